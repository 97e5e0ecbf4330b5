"""The ledger engine: posting (``posting``), books and charts (``books``), reports
(``reports``). Money features post into it through ``posting`` only."""
