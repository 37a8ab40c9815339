"""e-Sınav (SPEC §10, seed 004): question bank, halls and seats, sessions, the hall screen, the terminal."""
