"""A client's playbook: how the front desk answers for that client (greeting, hours, people,
approved answers, prices, escalation, words to avoid, spellings), versioned, with changes the
client proposes from the portal."""
