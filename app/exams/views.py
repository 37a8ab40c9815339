"""Exam and end-of-course screens (seed §8, §13, §14, §15):

* "Sınav İşlemleri → Sınav Dönemleri" (district opens exam periods),
* "İşlemler → Sınav İşlemleri" (institution registers trainees for a period),
* "İşlemler → Not Girişi" (district: old-regulation grades and new-regulation results),
* "İşlemler → Kurs Sonu Onayı" and "Kurs Sonu İşlemleri" (certificates),
* "Sınav İşlemleri → Sınav Giriş Belgeleri" (entry documents, one or all as a job),
* the public lookup ("/sorgu") and verification page ("/dogrula/<kod>"), no login.

Rules in ``app.exams.rules``, ``app.exams.completion`` and ``app.exams.entry_documents``; exam periods
belong to a district and are scoped like everything else (``app.core.scope``).
"""
from __future__ import annotations

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core import clock, list_export, scope, uploads
from app.core import pdf as documents
from app.core.api import read_only_api
from app.core.extensions import db
from app.core.filters import KursInterface
from app.core.i18n import Msg
from app.core.identity import tc_error
from app.core.parse import parse_date, parse_int, parse_time
from app.core.tree import ILCE
from app.core.tx import Refused
from app.core.views import RecordView, get_or_404
from app.courses.models import Kurs
from app.courses.views import CoursePageView, load
from app.exams import completion, entry_documents, lists
from app.exams import rules as exams
from app.exams.models import Belge, SinavDonemi, SinavKaydi
from app.trainees.models import Kayit


def _may(perm, resource):
    return current_app.appbuilder.sm.has_access(perm, resource)


def _periods_query():
    """The exam periods the user may see (the scope filters them), newest first."""
    return select(SinavDonemi).options(joinedload(SinavDonemi.ilce)).order_by(SinavDonemi.tarih.desc(),
                                                                               SinavDonemi.id.desc())


def _periods():
    return db.session.execute(_periods_query()).scalars().all()




class SinavDonemiView(RecordView):
    """The district's exam periods."""

    route_base = "/sinavdonemi"
    datamodel = KursInterface(SinavDonemi)
    class_permission_name = "SinavDonemi"
    method_permission_name = {"liste": "read", "ekle": "write", "kapat": "write", "export": "read"}
    default_view = "liste"

    def _render(self, errors=None, values=None, status=200):
        sc = scope.current()
        can_add = _may("can_write", "SinavDonemi") and sc is not None and sc.tur == ILCE
        return self.render_template("exams/sinav_donemi.html", periods=_periods(), errors=errors or {},
                                    values=values or {}, can_add=can_add,
                                    export_links=list_export.record_links("SinavDonemiView.export")), status

    @expose("/export/<fmt>")
    @has_access
    def export(self, fmt):
        return list_export.record_export(fmt, "Sınav Dönemleri", lists.PERIOD_COLUMNS, _periods_query())

    @expose("/")
    @has_access
    def liste(self):
        return self._render()

    @expose("/ekle", methods=["POST"])
    @has_access
    def ekle(self):
        sc = scope.current()
        if sc is None or sc.tur != ILCE:  # a district opens its own periods
            abort(404)
        f = request.form
        try:
            exams.open_period(db.session, sc.birim_id, f.get("ad"), f.get("tarih"),
                              parse_time(f.get("saat")), f.get("merkez"), f.get("salon"), f.get("kapasite"))
        except Refused as exc:
            db.session.rollback()
            return self._render(exc.errors(), f.to_dict(), 400)
        flash("Sınav dönemi açıldı.", "success")
        return redirect(url_for("SinavDonemiView.liste"))

    @expose("/<int:pk>/kapat", methods=["POST"])
    @has_access
    def kapat(self, pk):
        try:
            exams.close_period(db.session, get_or_404(SinavDonemi, pk))
        except Refused as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            flash("Sınav dönemi kayda kapatıldı.", "success")
        return redirect(url_for("SinavDonemiView.liste"))


class SinavIslemView(CoursePageView):
    """"İşlemler → Sınav İşlemleri": the institution registers; supervisors read."""

    route_base = "/sinavislem"
    class_permission_name = "Sinav"

    def _page(self, pk):
        kurs = load(pk)
        today = clock.today()
        errors, status = {}, 200
        if request.method == "POST" and request.form.get("geri_al"):
            return self._withdraw(kurs, request.form["geri_al"], today)
        if request.method == "POST":
            confirmed = request.form.get("onay") == "1"
            chosen = [(k, request.form.get(f"donem_{k.id}"), request.form.get(f"tercuman_{k.id}") == "1")
                      for k in completion.active_enrollments(db.session, kurs) if request.form.get(f"donem_{k.id}")]
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
                flash(Msg("%(n)s kursiyer sınava kaydedildi.", n=saved), "success")
            if not errors:
                return redirect(url_for("SinavIslemView.sayfa", pk=pk))
            status = 400
            kurs = load(pk)
        rows = [(k, exams.sittings(db.session, k)) for k in completion.active_enrollments(db.session, kurs)]
        return self.render_template(
            "exams/sinav_islem.html", kurs=kurs, rows=rows, periods=exams.open_periods(db.session, kurs, today),
            outcome=exams.outcome, labels=exams.OUTCOME_LABELS, may_register=exams.MAY_REGISTER,
            foreign=exams.is_foreign, errors=errors, old=exams.old_regulation(kurs),
            chosen=request.form if request.method == "POST" else {},
            may_withdraw=lambda s: exams.may_withdraw(s, today),
            needs_exam=exams.needs_exam(kurs), last_day=exams.last_exam_day(kurs) if kurs.bitis else None,
            can_write=_may("can_write", "Sinav")), status


    def _withdraw(self, kurs, sinav_id, today):
        """"Geri Al" on one registration not yet sat (its period still open)."""
        sinav = get_or_404(SinavKaydi, sinav_id,
                           SinavKaydi.kayit_id.in_(select(Kayit.id).where(Kayit.kurs_id == kurs.id)))
        try:
            exams.withdraw(db.session, sinav, today)
        except Refused as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            flash("Sınav kaydı geri alındı; dilerseniz yeni bir Sınav Tarihi seçebilirsiniz.", "success")
        return redirect(url_for("SinavIslemView.sayfa", pk=kurs.id))


class NotGirisiView(RecordView):
    """"İşlemler → Not Girişi": the district records results (old regulation: grades);
    the institution reads them."""

    route_base = "/sinavislem"
    datamodel = KursInterface(Kurs)
    class_permission_name = "SinavSonuc"
    method_permission_name = {"not_girisi": "read", "not_kaydet": "write"}
    default_view = "not_girisi"

    @expose("/<int:pk>/not", methods=["GET"])
    @has_access
    def not_girisi(self, pk):
        return self._page(pk)

    @expose("/<int:pk>/not", methods=["POST"])
    @has_access
    def not_kaydet(self, pk):
        return self._page(pk)

    def _page(self, pk):
        kurs = load(pk)
        errors, status = {}, 200
        if request.method == "POST":
            f = request.form
            try:
                if exams.old_regulation(kurs):
                    row = get_or_404(Kayit, f.get("kayit_id"), Kayit.kurs_id == kurs.id)
                    exams.record_grade(db.session, row, f.get("not"))
                else:
                    sinav = get_or_404(SinavKaydi, f.get("sinav_id"),
                                       SinavKaydi.kayit_id.in_(select(Kayit.id).where(Kayit.kurs_id == kurs.id)))

                    def number(key):
                        return parse_int(f.get(key, ""), -9999, 9999)
                    exams.record_result(db.session, sinav, f.get("girmedi") == "1", number("dogru"), number("soru"))
            except Refused as exc:
                db.session.rollback()
                kurs = load(pk)
                errors[f.get("kayit_id") or f.get("sinav_id")] = exc.message
                status = 400
            else:
                flash("Sınav sonucu kaydedildi.", "success")
                return redirect(url_for("NotGirisiView.not_girisi", pk=pk))
        rows = [(k, exams.sittings(db.session, k)) for k in completion.active_enrollments(db.session, kurs)]
        return self.render_template("exams/not_girisi.html", kurs=kurs, rows=rows, outcome=exams.outcome,
                                    labels=exams.OUTCOME_LABELS, may_register=exams.MAY_REGISTER,
                                    old=exams.old_regulation(kurs), errors=errors,
                                    can_write=_may("can_write", "SinavSonuc"), today=clock.today()), status


class KursSonuView(RecordView):
    """"İşlemler → Kurs Sonu Onayı" and "Kurs Sonu İşlemleri"."""

    route_base = "/kurssonu"
    datamodel = KursInterface(Kurs)
    class_permission_name = "KursSonu"
    method_permission_name = {"onay": "write", "islemler": "read", "yazdir": "write", "export": "read"}
    default_view = "islemler"

    @expose("/<int:pk>/onay", methods=["GET", "POST"])
    @has_access
    def onay(self, pk):
        kurs = load(pk)
        error, status = None, 200
        if request.method == "POST":
            try:
                completion.end_approval(db.session, kurs, request.form.get("tamam") == "1", clock.today())
            except Refused as exc:
                db.session.rollback()
                kurs = load(pk)
                error, status = exc.message, 400
            else:
                flash("Kurs sonu onayı kaydedildi; kurs \"Kurs Sonu İşlemleri\"nde.", "success")
                return redirect(url_for("KursSonuView.islemler", kurs_no=pk))
        return self.render_template("exams/kurs_sonu_onay.html", kurs=kurs, error=error), status

    @expose("/")
    @has_access
    def islemler(self):
        """Type the "Kurs No", press Enter: the course and its "Kurs Sonu" printer."""
        raw, kurs, error = lists.chosen_course(db.session, request.args.get("kurs_no", ""))
        listed = db.session.execute(lists.awaiting_printer().limit(50)).scalars().all()
        certs = db.session.execute(lists.certificates(kurs)).scalars().all() if kurs else []
        return self.render_template("exams/kurs_sonu.html", kurs=kurs, raw=raw, error=error, listed=listed, certs=certs,
                                    kind=completion.certificate_type(kurs) if kurs else "",
                                    can_write=_may("can_write", "KursSonu"),
                                    export_links=list_export.record_links("KursSonuView.export"))

    @expose("/export/<fmt>")
    @has_access
    def export(self, fmt):
        """With a Kurs No its certificates, else every course awaiting its printer (the page shows 50)."""
        _raw, kurs, error = lists.chosen_course(db.session, request.args.get("kurs_no", ""))
        if error:
            abort(404)
        return lists.course_end_export(fmt, kurs)

    @expose("/<int:pk>/yazdir", methods=["POST"])
    @has_access
    def yazdir(self, pk):
        kurs = load(pk)
        try:
            _made, message = completion.issue(db.session, kurs, clock.today())
        except Refused as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            flash(message, "warning" if message == completion.MSG_SUSPENDED else "success")
        return redirect(url_for("KursSonuView.islemler", kurs_no=pk))


class SorguView(BaseView):
    """No login: the public lookup (TC + birth date) and the certificate check by code.
    Both are rate-limited (``SORGU_LIMIT``)."""

    route_base = "/sorgu"
    default_view = "sorgu"

    @expose("/", methods=["GET", "POST"])
    def sorgu(self):
        result, error, tc, raw_date = None, None, "", ""
        if request.method == "POST":
            tc, raw_date = request.form.get("tc", "").strip(), request.form.get("dogum_tarihi", "").strip()
            birth = parse_date(raw_date)
            error = tc_error(tc) or (None if birth else "Doğum tarihini gg.aa.yyyy biçiminde giriniz.")
            if error is None:
                result = completion.lookup(db.session, tc, birth)
                if result is None:
                    error = "Bu kimlik numarası ve doğum tarihiyle kayıt bulunamadı."
        return self.render_template("exams/sorgu.html", result=result, error=error, tc=tc, raw_date=raw_date), \
            (400 if error else 200)

    @expose("/dogrula/<kod>")
    def dogrula(self, kod):
        belge = completion.verify(db.session, kod)
        return self.render_template("exams/dogrula.html", belge=belge, kod=kod), (200 if belge else 404)

    @expose("/belge/<kod>.pdf")
    def pdf(self, kod):
        belge = completion.verify(db.session, kod)
        if belge is None:
            abort(404)
        url = url_for("SorguView.dogrula", kod=belge.kod, _external=True)
        return documents.pdf_response(completion.certificate_pdf(belge, url), f"belge-{belge.kod}.pdf")


class SinavGirisView(RecordView):
    """"Sınav İşlemleri → Sınav Giriş Belgeleri": choose the "Sınav Dönemi"; "Yazdır" for
    all (a background job with its progress), "Öğr. Sınav Giriş Belgesi" for one."""

    route_base = "/sinavgiris"
    datamodel = KursInterface(SinavKaydi)  # for the scope walk: /belge/<pk> takes a registration
    class_permission_name = "Sinav"
    method_permission_name = {"liste": "read", "belge": "read", "yazdir": "read", "is_sayfa": "read",
                              "is_durum": "read", "is_pdf": "read", "export": "read"}
    default_view = "liste"

    @expose("/")
    @has_access
    def liste(self):
        raw = request.args.get("donem", "")
        period = get_or_404(SinavDonemi, raw) if raw else None
        rows = entry_documents.registrations(db.session, period.id) if period else []
        return self.render_template("exams/sinav_giris_liste.html", periods=_periods(), period=period, rows=rows,
                                    export_links=list_export.record_links("SinavGirisView.export", donem=period.id)
                                    if period else [])

    @expose("/export/<fmt>")
    @has_access
    def export(self, fmt):
        period = get_or_404(SinavDonemi, request.args.get("donem", ""))
        return list_export.record_export(fmt, f"Sınav Giriş {period.tarih:%d.%m.%Y}", lists.ENTRY_COLUMNS,
                                         entry_documents.registrations_query(period.id))

    @expose("/belge/<int:pk>")
    @has_access
    def belge(self, pk):
        row = get_or_404(SinavKaydi, pk, SinavKaydi.donem_id.isnot(None))
        missing = entry_documents.missing_photos([row])
        if missing:
            flash(Msg("Fotoğrafı olmayan kursiyer: %(ad)s. Önce \"Fotoğraf Ekle Düzenle\" ile fotoğraf ekleyiniz.", ad=missing[0]),
                  "danger")
            return redirect(url_for("SinavGirisView.liste", donem=row.donem_id))
        return documents.pdf_response(entry_documents.render([row]), f"sinav-giris-{row.id}.pdf")

    @expose("/<int:pk>/yazdir", methods=["POST"])
    @has_access
    def yazdir(self, pk):
        period = get_or_404(SinavDonemi, pk)
        rows = entry_documents.registrations(db.session, period.id)
        if not rows:
            flash("Bu sınav döneminde kayıtlı kursiyer yok.", "warning")
            return redirect(url_for("SinavGirisView.liste", donem=pk))
        # those without a photo are listed on the job's page with a link to their photo screen;
        # the others are printed
        missing = [r for r in rows if not r.kayit.kursiyer.foto]
        printable = [r for r in rows if r.kayit.kursiyer.foto]
        if not printable:
            flash(Msg("Bu dönemde fotoğrafı olan kursiyer yok; önce fotoğraflarını ekleyiniz: %(adlar)s",
                      adlar=", ".join(entry_documents.missing_photos(rows)[:20])), "danger")
            return redirect(url_for("SinavGirisView.liste", donem=pk))
        job = entry_documents.start([r.id for r in printable], g.user.id, missing=[
            {"ad": f"{r.kayit.kursiyer.ad} {r.kayit.kursiyer.soyad}", "tc": r.kayit.kursiyer.tc_kimlik_no,
             "kursiyer_id": r.kayit.kursiyer.id} for r in missing])
        return redirect(url_for("SinavGirisView.is_sayfa", job=job))

    @expose("/is/<job>")
    @has_access
    def is_sayfa(self, job):
        data = entry_documents.state(job, g.user.id)
        if data is None:
            abort(404)
        return self.render_template("exams/sinav_giris_is.html", job=job, missing=data.get("eksik") or [])

    @expose("/is/<job>/durum")
    @has_access
    def is_durum(self, job):
        data = entry_documents.state(job, g.user.id)
        if data is None:
            abort(404)
        return jsonify({k: data[k] for k in ("total", "done", "ready", "error")})

    @expose("/is/<job>/pdf")
    @has_access
    def is_pdf(self, job):
        data = entry_documents.state(job, g.user.id)
        if data is None or not data["ready"]:
            abort(404)
        pdf = uploads.read(data["dosya"])
        if pdf is None:
            abort(404)
        return documents.pdf_response(pdf, "sinav-giris-belgeleri.pdf")


APIS = [
    read_only_api("sinav", SinavKaydi, "Sinav", ["id", "kayit_id", "kurum_id", "donem_id", "hak", "sira", "tercuman",
                                                 "durum", "dogru", "soru", "puan", "gecti"],
                  ["kayit_id", "donem_id", "durum", "gecti"]),
    read_only_api("belge", Belge, "KursSonu", ["id", "kayit_id", "kurum_id", "tur", "kod", "tarih"],
                  ["kayit_id", "tur", "kod"]),
]
