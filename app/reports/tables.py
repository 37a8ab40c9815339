"""The printed papers that are tables, as .xlsx (issue 14: "each also as .xlsx where it
is a table"), through the export machinery of ``app.core.export``: Turkish headers,
dates as real dates, amounts as numbers in TL format, identity numbers as text, and no
cell that a spreadsheet would run as a formula. Each function takes what
``app.reports.papers`` (the account statement: ``app.fees.rules.statement``) gathered for
the PDF, so the two say the same."""
from __future__ import annotations

from app.core import export
from app.core.export import DATE, MONEY, NUMBER, TEXT, Column


def _response(title: str, columns: list[Column], items, today):
    rows = ([export.typed(c.value(item), c.kind) for c in columns] for item in items)
    return export.response("xlsx", title, columns, rows, today)


def class_list(kurs, kayitlar, today):
    columns = [Column("S.No", NUMBER, lambda r: r[0]),
               Column("T.C. Kimlik No", TEXT, lambda r: r[1].kursiyer.tc_kimlik_no),
               Column("Adı", TEXT, lambda r: r[1].kursiyer.ad), Column("Soyadı", TEXT, lambda r: r[1].kursiyer.soyad),
               Column("Doğum Tarihi", DATE, lambda r: r[1].kursiyer.dogum_tarihi),
               Column("Telefon", TEXT, lambda r: r[1].kursiyer.telefon),
               Column("Kayıt Tarihi", DATE, lambda r: r[1].kayit_tarihi),
               Column("Durum", TEXT, lambda r: r[1].durum.label)]
    return _response(f"Kursiyer Listesi {kurs.id}", columns, enumerate(kayitlar, 1), today)


def roll_call(kurs, data, today):
    columns = [Column("S.No", NUMBER, lambda r: r[0]),
               Column("T.C. Kimlik No", TEXT, lambda r: r[1].kursiyer.tc_kimlik_no),
               Column("Adı Soyadı", TEXT, lambda r: f"{r[1].kursiyer.ad} {r[1].kursiyer.soyad}")]
    columns += [Column(f"{g['tarih']:%d.%m} {g['gun']} ({g['saat']} s.)", TEXT, lambda r: "") for g in data["gunler"]]
    columns.append(Column("İmza", TEXT, lambda r: ""))
    return _response(f"Yoklama {kurs.id} {data['ay']}", columns, enumerate(data["kursiyerler"], 1), today)


def statement(kayit, data, today):
    columns = [Column("Tarih", DATE, lambda r: r["tarih"]), Column("İşlem", TEXT, lambda r: r["islem"]),
               Column("Açıklama", TEXT, lambda r: r["aciklama"]), Column("Dekont No", TEXT, lambda r: r["dekont_no"]),
               Column("Tutar", MONEY, lambda r: r["tutar"]), Column("Kalan Borç", MONEY, lambda r: r["kalan"])]
    return _response(f"Hesap Ekstresi {kayit.id}", columns, data["satirlar"], today)


def collections(data, title, today):
    columns = [Column("Kurum Kodu", TEXT, lambda r: r[0]["kod"]), Column("Kurum", TEXT, lambda r: r[0]["ad"]),
               Column("Ödeme Tarihi", DATE, lambda r: r[1]["odeme"].odeme_tarihi),
               Column("Makbuz No", NUMBER, lambda r: r[1]["odeme"].id),
               Column("Dekont No", TEXT, lambda r: r[1]["odeme"].dekont_no),
               Column("Kurs No", NUMBER, lambda r: r[1]["kurs_id"]),
               Column("T.C. Kimlik No", TEXT, lambda r: r[1]["kursiyer"].tc_kimlik_no),
               Column("Kursiyer", TEXT, lambda r: f"{r[1]['kursiyer'].ad} {r[1]['kursiyer'].soyad}"),
               Column("Açıklama", TEXT, lambda r: r[1]["odeme"].aciklama),
               Column("Tutar", MONEY, lambda r: r[1]["odeme"].tutar)]
    rows = [(k, r) for k in data["kurumlar"] for r in k["satirlar"]]
    return _response(title, columns, rows, today)


def over_limit(rows, today):
    columns = [Column("Kurum", TEXT, lambda r: r["kurs"].kurum.ad), Column("Kurs No", NUMBER, lambda r: r["kurs"].id),
               Column("Kurs", TEXT, lambda r: f"{r['kurs'].modul}"),
               Column("T.C. Kimlik No", TEXT, lambda r: r["kursiyer"].tc_kimlik_no),
               Column("Adı Soyadı", TEXT, lambda r: f"{r['kursiyer'].ad} {r['kursiyer'].soyad}"),
               Column("Devamsızlık (saat)", NUMBER, lambda r: r["saat"]),
               Column("Sınır (saat)", NUMBER, lambda r: r["sinir"])]
    return _response("Devamsızlık Sınırını Aşanlar", columns, rows, today)


def teacher_month(data, today):
    columns = [Column("Kurs", TEXT, lambda r: "Günlük Toplam" if r["kurs"] is None else
                      f"{r['kurs'].id} {r['kurs'].modul}")]
    columns += [Column(f"{g['tarih'].day} {g['gun']}", NUMBER, lambda r, i=i: r["saatler"][i] or None)
                for i, g in enumerate(data["gunler"])]
    columns.append(Column("Toplam", NUMBER, lambda r: r["toplam"]))
    total = {"kurs": None, "saatler": data["gunluk"], "toplam": data["toplam"]}
    egitici = data["egitici"]
    return _response(f"Puantaj {egitici.ad} {egitici.soyad} {data['ay']}", columns, [*data["satirlar"], total], today)
