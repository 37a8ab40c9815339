"""Exam and end-of-course screens (seed §8, §13, §14, §15):

* "Sınav İşlemleri → Sınav Dönemleri" (district opens exam periods),
* "İşlemler → Sınav İşlemleri" (institution registers trainees for a period),
* "İşlemler → Not Girişi" (district: old-regulation grades and new-regulation results),
* "İşlemler → Kurs Sonu Onayı" and "Kurs Sonu İşlemleri" (certificates),
* the public lookup ("/sorgu") and verification page ("/dogrula/<kod>"), no login.

Rules in ``app.exams`` and ``app.completion``.
"""
from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select

from . import completion, documents, exams, scope
from .base_views import KursInterface
from .courses import Refused
from .extensions import db
from .models import ILCE, KAYIT_AKTIF, KURS_SONU_ONAYLANDI, TAMAMLANDI, Belge, Kayit, Kurs, SinavDonemi, SinavKaydi
from .views_course import load

RW = ["can_read", "can_write"]


def _date(raw):
    try:
        return dt.datetime.strptime((raw or "").strip(), "%d.%m.%Y").date()
    except ValueError:
        return None


def _may(perm, resource):
    return current_app.appbuilder.sm.has_access(perm, resource)


def _active_rows(kurs):
    return db.session.execute(select(Kayit).where(Kayit.kurs_id == kurs.id, Kayit.durum == KAYIT_AKTIF)
                              .order_by(Kayit.id)).scalars().all()


class SinavDonemiView(BaseView):
    """The district's exam periods."""

    route_base = "/sinavdonemi"
    datamodel = KursInterface(SinavDonemi)  # for the scope walk
    class_permission_name = "SinavDonemi"
    method_permission_name = {"liste": "read", "ekle": "write", "kapat": "write"}
    base_permissions = RW
    default_view = "liste"

    def _periods(self):
        clause = exams.period_clause()
        query = select(SinavDonemi).order_by(SinavDonemi.tarih.desc())
        if clause is not None:
            query = query.where(clause)
        return db.session.execute(query).scalars().all()

    def _render(self, errors=None, values=None, status=200):
        sc = scope.current()
        can_add = _may("can_write", "SinavDonemi") and sc is not None and sc.tur == ILCE
        return self.render_template("sinav_donemi.html", periods=self._periods(), errors=errors or {},
                                    values=values or {}, can_add=can_add), status

    @expose("/")
    @has_access
    def liste(self):
        return self._render()

    @expose("/ekle", methods=["POST"])
    @has_access
    def ekle(self):
        sc = scope.current()
        if sc is None or sc.tur != ILCE:
            abort(404)
        f = request.form
        errors = {}
        ad, merkez, salon = (f.get(k, "").strip() for k in ("ad", "merkez", "salon"))
        tarih = _date(f.get("tarih"))
        try:
            saat = dt.datetime.strptime(f.get("saat", "").strip(), "%H:%M").time()
        except ValueError:
            saat = None
        for key, value, msg in (("ad", ad, "Dönem adını giriniz."), ("merkez", merkez, "Sınav merkezini giriniz."),
                                ("salon", salon, "Salonu giriniz.")):
            if not value:
                errors[key] = msg
        if tarih is None:
            errors["tarih"] = "Tarihi gg.aa.yyyy biçiminde giriniz."
        elif tarih < dt.date.today():
            errors["tarih"] = "Sınav tarihi geçmiş bir gün olamaz."
        if saat is None:
            errors["saat"] = "Saati SS:DD biçiminde giriniz."
        kapasite = f.get("kapasite", "").strip()
        if not kapasite.isdigit() or not 0 < int(kapasite) <= 1000:
            errors["kapasite"] = "Kapasite 1 ile 1000 arasında bir tam sayı olmalıdır."
        if errors:
            return self._render(errors, f.to_dict(), 400)
        db.session.add(SinavDonemi(ilce_id=sc.birim_id, ad=ad, tarih=tarih, saat=saat, merkez=merkez, salon=salon,
                                   kapasite=int(kapasite), acik=True))
        db.session.commit()
        flash("Sınav dönemi açıldı.", "success")
        return redirect(url_for("SinavDonemiView.liste"))

    @expose("/<int:pk>/kapat", methods=["POST"])
    @has_access
    def kapat(self, pk):
        clause = exams.period_clause()
        query = select(SinavDonemi).where(SinavDonemi.id == pk)
        row = db.session.execute(query.where(clause) if clause is not None else query).scalar_one_or_none()
        sc = scope.current()
        if row is None or sc is None or sc.tur != ILCE:
            abort(404)
        row.acik = False
        db.session.commit()
        flash("Sınav dönemi kayda kapatıldı.", "success")
        return redirect(url_for("SinavDonemiView.liste"))


class SinavIslemView(BaseView):
    """"İşlemler → Sınav İşlemleri" (institution) and "İşlemler → Not Girişi" (district)."""

    route_base = "/sinavislem"
    datamodel = KursInterface(Kurs)  # for the scope walk
    class_permission_name = "Sinav"
    method_permission_name = {"kayit": "write", "not_girisi": "read"}
    base_permissions = RW
    default_view = "kayit"

    @expose("/<int:pk>", methods=["GET", "POST"])
    @has_access
    def kayit(self, pk):
        kurs = load(pk)
        today = dt.date.today()
        errors, status = {}, 200
        if request.method == "POST":
            confirmed = request.form.get("onay") == "1"
            chosen = [(k, request.form.get(f"donem_{k.id}"), request.form.get(f"tercuman_{k.id}") == "1")
                      for k in _active_rows(kurs) if request.form.get(f"donem_{k.id}")]
            if not confirmed:
                errors["onay"] = exams.MSG_CONFIRM
            elif not chosen:
                errors["genel"] = "Sınava kaydedilecek kursiyer için Sınav Tarihi seçiniz."
            saved = 0
            for k, donem, tercuman in (chosen if confirmed else []):
                try:
                    exams.register(db.session, k, donem, tercuman, True, today)
                    saved += 1
                except Refused as exc:
                    db.session.rollback()
                    errors[f"k_{k.id}"] = exc.message
            if saved:
                flash(f"{saved} kursiyer sınava kaydedildi.", "success")
            if not errors:
                return redirect(url_for("SinavIslemView.kayit", pk=pk))
            status = 400
            kurs = load(pk)
        rows = [(k, exams.sittings(db.session, k)) for k in _active_rows(kurs)]
        return self.render_template(
            "sinav_islem.html", kurs=kurs, rows=rows, periods=exams.open_periods(db.session, kurs, today),
            outcome=exams.outcome, foreign=exams.is_foreign, errors=errors, old=exams.old_regulation(kurs),
            needs_exam=exams.needs_exam(kurs), last_day=exams.last_exam_day(kurs) if kurs.bitis else None,
            can_write=_may("can_write", "Sinav")), status

    @expose("/<int:pk>/not", methods=["GET", "POST"])
    @has_access
    def not_girisi(self, pk):
        kurs = load(pk)
        errors, status = {}, 200
        if request.method == "POST":
            if not _may("can_write", "SinavSonuc"):
                abort(403)
            f = request.form
            try:
                if exams.old_regulation(kurs):
                    row = db.session.execute(select(Kayit).where(
                        Kayit.id == f.get("kayit_id", type=int), Kayit.kurs_id == kurs.id)).scalar_one_or_none()
                    if row is None:
                        abort(404)
                    exams.record_grade(db.session, row, f.get("not"))
                else:
                    sinav = db.session.execute(select(SinavKaydi).join(Kayit, SinavKaydi.kayit_id == Kayit.id).where(
                        SinavKaydi.id == f.get("sinav_id", type=int), Kayit.kurs_id == kurs.id)).scalar_one_or_none()
                    if sinav is None:
                        abort(404)

                    def number(key):
                        raw = f.get(key, "").strip()
                        return int(raw) if raw.lstrip("-").isdigit() else None
                    exams.record_result(db.session, sinav, f.get("girmedi") == "1", number("dogru"), number("soru"))
            except Refused as exc:
                db.session.rollback()
                kurs = load(pk)
                errors[f.get("kayit_id") or f.get("sinav_id")] = exc.message
                status = 400
            else:
                flash("Sınav sonucu kaydedildi.", "success")
                return redirect(url_for("SinavIslemView.not_girisi", pk=pk))
        rows = [(k, exams.sittings(db.session, k)) for k in _active_rows(kurs)]
        return self.render_template("not_girisi.html", kurs=kurs, rows=rows, outcome=exams.outcome,
                                    old=exams.old_regulation(kurs), errors=errors,
                                    can_write=_may("can_write", "SinavSonuc"), today=dt.date.today()), status


class KursSonuView(BaseView):
    """"İşlemler → Kurs Sonu Onayı" and "Kurs Sonu İşlemleri"."""

    route_base = "/kurssonu"
    datamodel = KursInterface(Kurs)  # for the scope walk
    class_permission_name = "KursSonu"
    method_permission_name = {"onay": "write", "islemler": "read", "yazdir": "write"}
    base_permissions = RW
    default_view = "islemler"

    @expose("/<int:pk>/onay", methods=["GET", "POST"])
    @has_access
    def onay(self, pk):
        kurs = load(pk)
        error, status = None, 200
        if request.method == "POST":
            try:
                completion.end_approval(db.session, kurs, request.form.get("tamam") == "1", dt.date.today())
            except Refused as exc:
                db.session.rollback()
                kurs = load(pk)
                error, status = exc.message, 400
            else:
                flash("Kurs sonu onayı kaydedildi; kurs \"Kurs Sonu İşlemleri\"nde.", "success")
                return redirect(url_for("KursSonuView.islemler", kurs_no=pk))
        return self.render_template("kurs_sonu_onay.html", kurs=kurs, error=error), status

    @expose("/")
    @has_access
    def islemler(self):
        """Type the "Kurs No", press Enter: the course and its "Kurs Sonu" printer."""
        raw = request.args.get("kurs_no", "").strip()
        kurs, error = None, None
        if raw:
            if not raw.isdigit():
                error = "Kurs No bir sayıdır."
            else:
                kurs = db.session.execute(select(Kurs).where(
                    Kurs.id == int(raw), Kurs.durum.in_((KURS_SONU_ONAYLANDI, TAMAMLANDI)))).scalar_one_or_none()
                if kurs is None:
                    error = "Bu numarada kurs sonu onayı verilmiş bir kurs bulunamadı."
        listed = db.session.execute(select(Kurs).where(Kurs.durum == KURS_SONU_ONAYLANDI).order_by(Kurs.id)
                                    .limit(50)).scalars().all()
        certs = db.session.execute(select(Belge).join(Kayit, Belge.kayit_id == Kayit.id)
                                   .where(Kayit.kurs_id == kurs.id)).scalars().all() if kurs else []
        return self.render_template("kurs_sonu.html", kurs=kurs, raw=raw, error=error, listed=listed, certs=certs,
                                    kind=completion.certificate_type(kurs) if kurs else "",
                                    can_write=_may("can_write", "KursSonu"))

    @expose("/<int:pk>/yazdir", methods=["POST"])
    @has_access
    def yazdir(self, pk):
        kurs = load(pk)
        try:
            _made, message = completion.issue(db.session, kurs, dt.date.today())
        except Refused as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            flash(message, "warning" if message == completion.MSG_SUSPENDED else "success")
        return redirect(url_for("KursSonuView.islemler", kurs_no=pk))


def _certificate_pdf(belge: Belge) -> Response:
    import base64
    import io

    import segno

    url = url_for("SorguView.dogrula", kod=belge.kod, _external=True)
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=4, border=1)
    from .turkish import tr_upper

    data = documents.render_pdf("belge.html", belge=belge, kayit=belge.kayit, kurs=belge.kayit.kurs,
                                title=tr_upper(belge.tur.split("/")[0] + " Tamamlama Belgesi"
                                               if belge.tur.startswith("Seviye") else belge.tur),
                                kursiyer=belge.kayit.kursiyer, url=url,
                                qr="data:image/png;base64," + base64.b64encode(qr.getvalue()).decode())
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="belge-{belge.kod}.pdf"',
                             "Cache-Control": "private, no-store"})


class SorguView(BaseView):
    """No login: the public lookup (TC + birth date) and the certificate check by code.
    Both are rate-limited (``SORGU_LIMIT``)."""

    route_base = "/sorgu"
    default_view = "sorgu"

    @expose("/", methods=["GET", "POST"])
    def sorgu(self):
        from .identity import tc_error

        result, error, tc, raw_date = None, None, "", ""
        if request.method == "POST":
            tc, raw_date = request.form.get("tc", "").strip(), request.form.get("dogum_tarihi", "").strip()
            birth = _date(raw_date)
            error = tc_error(tc) or (None if birth else "Doğum tarihini gg.aa.yyyy biçiminde giriniz.")
            if error is None:
                result = completion.lookup(db.session, tc, birth)
                if result is None:
                    error = "Bu kimlik numarası ve doğum tarihiyle kayıt bulunamadı."
        return self.render_template("sorgu.html", result=result, error=error, tc=tc, raw_date=raw_date), \
            (400 if error else 200)

    @expose("/dogrula/<kod>")
    def dogrula(self, kod):
        belge = completion.verify(db.session, kod)
        return self.render_template("dogrula.html", belge=belge, kod=kod), (200 if belge else 404)

    @expose("/belge/<kod>.pdf")
    def pdf(self, kod):
        belge = completion.verify(db.session, kod)
        if belge is None:
            abort(404)
        return _certificate_pdf(belge)


class SinavGirisView(BaseView):
    """"Sınav İşlemleri → Sınav Giriş Belgeleri": choose the "Sınav Dönemi"; "Yazdır" for
    all (a background job with its progress), "Öğr. Sınav Giriş Belgesi" for one."""

    route_base = "/sinavgiris"
    datamodel = KursInterface(SinavKaydi)  # for the scope walk: /belge/<pk> takes a registration
    class_permission_name = "Sinav"
    method_permission_name = {"liste": "read", "belge": "read", "yazdir": "read", "is_sayfa": "read",
                              "is_durum": "read", "is_pdf": "read"}
    base_permissions = RW
    default_view = "liste"

    def _period(self, raw):
        clause = exams.period_clause()
        query = select(SinavDonemi).where(SinavDonemi.id == raw)
        return db.session.execute(query.where(clause) if clause is not None else query).scalar_one_or_none()

    @expose("/")
    @has_access
    def liste(self):
        from . import entry_documents

        clause = exams.period_clause()
        query = select(SinavDonemi).order_by(SinavDonemi.tarih.desc())
        periods = db.session.execute(query.where(clause) if clause is not None else query).scalars().all()
        period = self._period(request.args.get("donem", type=int)) if request.args.get("donem") else None
        rows = entry_documents.registrations(db.session, period.id) if period else []
        return self.render_template("sinav_giris_liste.html", periods=periods, period=period, rows=rows)

    @expose("/belge/<int:pk>")
    @has_access
    def belge(self, pk):
        from . import entry_documents

        row = db.session.execute(select(SinavKaydi).where(SinavKaydi.id == pk)).scalar_one_or_none()
        if row is None or row.donem is None:
            abort(404)
        missing = entry_documents.missing_photos([row])
        if missing:
            flash(f"Fotoğrafı olmayan kursiyer: {missing[0]}. Önce \"Fotoğraf Ekle Düzenle\" ile fotoğraf ekleyiniz.",
                  "danger")
            return redirect(url_for("SinavGirisView.liste", donem=row.donem_id))
        return Response(entry_documents.render([row]), mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="sinav-giris-{row.id}.pdf"', "Cache-Control": "private, no-store"})

    @expose("/<int:pk>/yazdir", methods=["POST"])
    @has_access
    def yazdir(self, pk):
        from flask import g

        from . import entry_documents

        period = self._period(pk)
        if period is None:
            abort(404)
        rows = entry_documents.registrations(db.session, period.id)
        if not rows:
            flash("Bu sınav döneminde kayıtlı kursiyer yok.", "warning")
            return redirect(url_for("SinavGirisView.liste", donem=pk))
        missing = entry_documents.missing_photos(rows)
        if missing:
            flash("Fotoğrafı olmayan kursiyerler var; önce fotoğraflarını ekleyiniz: " + ", ".join(missing[:20]),
                  "danger")
            return redirect(url_for("SinavGirisView.liste", donem=pk))
        job = entry_documents.start([r.id for r in rows], g.user.id)
        return redirect(url_for("SinavGirisView.is_sayfa", job=job))

    @expose("/is/<job>")
    @has_access
    def is_sayfa(self, job):
        from flask import g

        from . import entry_documents

        if entry_documents.state(job, g.user.id) is None:
            abort(404)
        return self.render_template("sinav_giris_is.html", job=job)

    @expose("/is/<job>/durum")
    @has_access
    def is_durum(self, job):
        from flask import g, jsonify

        from . import entry_documents

        data = entry_documents.state(job, g.user.id)
        if data is None:
            abort(404)
        return jsonify({k: data[k] for k in ("total", "done", "ready", "error")})

    @expose("/is/<job>/pdf")
    @has_access
    def is_pdf(self, job):
        from flask import g, send_file

        from . import entry_documents

        data = entry_documents.state(job, g.user.id)
        if data is None or not data["ready"]:
            abort(404)
        return send_file(entry_documents.pdf_path(job), mimetype="application/pdf",
                         download_name="sinav-giris-belgeleri.pdf", max_age=0)
