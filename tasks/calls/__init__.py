"""The call and inquiry log: calls taken for clients, the answer given from the client's
playbook, messages for the client or a key person, follow-up tasks and billable time."""
