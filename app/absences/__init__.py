"""absences: the roll-call grid and the absence limit (SPEC §7)."""
