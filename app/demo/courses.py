"""Demo courses: at least one in every state of SPEC §5, dated around the day the
demo is created, each taken to its state through ``app.courses`` (so the history
and the approval marks are real).

Moda Dil Kursu's courses use Derslik 1 (Mon/Wed/Fri mornings, Şükrü Işıklı) and
Derslik 2 (Ayşe Çelik); Derslik 3 and İlker Öztürk are left free for a new plan.
``create_open_a1`` (run last, so the other demo records keep their ids) adds Moda's A1
course open for "Kursiyer Ekleme" (Planlandı, Derslik 1, Tue/Thu mornings from next week):
a first level takes anyone, so the README's 45678912316 can be added to it at once.
"""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from app.core import audit, clock
from app.core.tree import ILCE, KURUM, Kurum
from app.courses import planning
from app.courses import workflow as courses
from app.courses.models import (
    KURS_SONU_ONAYLANDI,
    TAMAMLANDI,
    TASLAK,
    Kurs,
)
from app.org.models import BELGELI, BELGESIZ, Egitici, Modul, Program, Sinif

ALL_STEPS = {0, 1, 2}


def _get(session, model, **kw):
    return session.execute(select(model).filter_by(**kw)).scalar_one()


def _course(session, kod, program_kod, modul_sira, sinif, teacher, start, days, hours, start_time,
            belge=BELGELI, yetkili="Kurs Yetkilisi"):
    """A planned course whose plan fills the module exactly: ``hours`` a day on the
    weekdays ``days`` (Monday 0) from ``start``, skipping holidays."""
    kurum = _get(session, Kurum, kurum_kodu=kod)
    program = _get(session, Program, kod=program_kod)
    modul = _get(session, Modul, program_id=program.id, sira=modul_sira)
    sinif = _get(session, Sinif, kurum_id=kurum.id, ad=sinif)
    egitici = _get(session, Egitici, kurum_id=kurum.id, ad=teacher)
    return planning.plan_filling_module(session, kurum.id, program, modul, sinif, egitici, start, days, hours,
                                        start_time, belge, yetkili, "demo")


def _approve(session, kurs, times):
    for _ in range(times):
        step = courses.step_of(kurs)
        courses.approve(session, kurs, ALL_STEPS, KURUM if step == 0 else ILCE)


def _set(session, kurs, durum, islem, aciklama):
    before = kurs.durum
    kurs.durum = durum
    audit.record(session, islem, kurs, onceki={"durum": before}, sonraki={"durum": durum}, aciklama=aciklama)
    session.commit()


def create(session) -> None:
    today = clock.today()
    monday = today - dt.timedelta(days=today.weekday())
    weeks = lambda n: monday + dt.timedelta(weeks=n)  # noqa: E731

    # Moda Dil Kursu
    a1 = _course(session, "100001", "ING-DIL", 1, "Derslik 1", "Şükrü", weeks(-5), {0, 2, 4}, 4, "09:00")
    _approve(session, a1, 3)  # Aktif

    a2 = _course(session, "100001", "ING-DIL", 2, "Derslik 2", "Ayşe", weeks(2) + dt.timedelta(days=1),
                 {1, 3}, 4, "14:00", belge=BELGESIZ)  # Planlandı, awaiting the director

    b1 = _course(session, "100001", "ING-DIL", 3, "Derslik 2", "Ayşe", weeks(-3), {0, 2}, 3, "18:00")
    _approve(session, b1, 3)
    courses.end_course(session, b1, courses.KAPAT, "Yeterli kursiyer devam etmiyor.")  # Kapatma Onayında

    iptal = _course(session, "100001", "ING-DIL", 4, "Derslik 3", "İlker", weeks(6), {5}, 6, "10:00")
    courses.end_course(session, iptal, courses.YENI_IPTAL, "Talep yetersiz; plan iptal edildi.")  # İptal

    sonu = _course(session, "100001", "ING-DIL", 1, "Derslik 1", "Şükrü", weeks(-40), {1, 3}, 4, "09:00")
    _approve(session, sonu, 3)
    _set(session, sonu, KURS_SONU_ONAYLANDI, "Kurs Sonu Onayı",
         "Kursiyer İşlemleri Tamamlanmıştır... (demo)")  # Kurs Sonu Onaylandı

    bitti = _course(session, "100001", "ING-DIL", 2, "Derslik 2", "Ayşe", weeks(-60), {1, 3}, 4, "09:00")
    _approve(session, bitti, 3)
    _set(session, bitti, KURS_SONU_ONAYLANDI, "Kurs Sonu Onayı", "Kursiyer İşlemleri Tamamlanmıştır... (demo)")
    _set(session, bitti, TAMAMLANDI, "Kurs Sonu İşlemleri", "Belgeler verildi (demo).")  # Tamamlandı

    kapali = _course(session, "100001", "ING-DIL", 1, "Derslik 3", "İlker", weeks(-30), {0, 2}, 3, "14:00")
    _approve(session, kapali, 3)
    courses.end_course(session, kapali, courses.KAPAT, "Kurum taşındı.")
    _approve(session, kapali, 3)  # Kapatıldı

    draft = Kurs(kurum_id=a1.kurum_id, durum=TASLAK, taslak_adim="bilgi", taslak_veri=json.dumps(
        {"acma_bicimi": "NORMAL", "program_id": a1.program_id, "modul_id": a2.modul_id}))
    session.add(draft)
    session.commit()  # Taslak

    # Kadıköy Bilgisayar Kursu: waiting for kadikoy.sube
    blg = _course(session, "100002", "BLG-ISL", 1, "Laboratuvar 1", "Gülşen", weeks(1), {0, 1, 2, 3}, 4, "10:00")
    _approve(session, blg, 1)  # Onay Sürecinde (Kurum Müdürü ✓)

    # Üsküdar Özel Öğretim Kursu
    kpss = _course(session, "200001", "KPSS-HAZ", 1, "Salon A", "Ömer", weeks(-2), {0, 1, 2, 3, 4}, 5, "09:00",
                   belge=BELGESIZ)
    _approve(session, kpss, 3)  # Aktif
    usk = _course(session, "200001", "ING-DIL", 1, "Derslik 1", "Çağrı", weeks(3), {5, 6}, 5, "10:00")
    _approve(session, usk, 2)  # waiting for uskudar.mudur


def create_open_a1(session) -> Kurs:
    """Moda Dil Kursu's İngilizce A1 waiting for its director (Planlandı): trainees are
    added freely until the district's final approval, and A1 needs no earlier level (Moda's
    A2, the other open course, refuses whoever has not completed A1)."""
    today = clock.today()
    tuesday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=1, days=1)
    return _course(session, "100001", "ING-DIL", 1, "Derslik 1", "Şükrü", tuesday, {1, 3}, 4, "09:00")
