"""Who covers each client's sold hours: staff availability, shifts and on-call rotations,
the gaps between what is sold and who is on duty, and the capacity that leaves."""
