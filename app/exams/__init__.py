"""exams: exam periods, registrations and results, end of course, certificates, the
public lookup, entry documents (SPEC §8, §9). The computer-based exam (e-Sınav) will be
its own package above this one."""
