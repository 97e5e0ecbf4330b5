"""HTML views of the clients app (staff pages and the client portal)."""
