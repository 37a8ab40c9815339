"""Item statistics after a session (SPEC §10): for each question version the share of
correct answers (p) and the discrimination index D = p(top 27%) − p(bottom 27%), the
groups taken by total score. Flagged: D < 0, p ≤ 0.20 or p ≥ 0.95 (doubtful questions,
with the cancel / re-key action beside them on the screen)."""
from __future__ import annotations

import math
from collections import defaultdict

from app.esinav.models import GECERSIZ, Oturum
from app.esinav.scoring import SCORED

LOW, HIGH = 0.20, 0.95


def item_stats(oturum: Oturum) -> list[dict]:
    attempts = [a.sinav for a in oturum.adaylar
                if a.sinav is not None and a.sinav.durum in SCORED and a.durum != GECERSIZ]
    if not attempts:
        return []
    correct = {a.id: {q.surum_id: q.secim is not None and q.secim == q.surum.dogru for q in a.sorular}
               for a in attempts}
    total = {a.id: sum(correct[a.id].values()) for a in attempts}
    ranked = sorted(attempts, key=lambda a: total[a.id], reverse=True)
    k = max(1, math.ceil(len(ranked) * 0.27))
    top, bottom = ranked[:k], ranked[-k:]
    seen, versions = defaultdict(list), {}
    for a in attempts:
        for q in a.sorular:
            seen[q.surum_id].append(a.id)
            versions[q.surum_id] = q.surum

    def share(group, surum_id):
        rows = [correct[a.id][surum_id] for a in group if surum_id in correct[a.id]]
        return sum(rows) / len(rows) if rows else None

    out = []
    for surum_id, ids in seen.items():
        p = sum(correct[i][surum_id] for i in ids) / len(ids)
        upper, lower = share(top, surum_id), share(bottom, surum_id)
        d = (upper - lower) if upper is not None and lower is not None else None
        flags = []
        if d is not None and d < 0:
            flags.append("ayırt edicilik negatif")
        if p <= LOW:
            flags.append("çok zor (≤ %20)")
        if p >= HIGH:
            flags.append("çok kolay (≥ %95)")
        out.append({"surum": versions[surum_id], "n": len(ids), "p": p, "d": d, "isaretler": flags})
    return sorted(out, key=lambda r: (not r["isaretler"], r["surum"].soru_id))
