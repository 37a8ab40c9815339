"""The import screen every Excel import shares (``app.core.importer``): one page per
import, made by ``import_view``, registered by its package's views.

``GET <route>/<pk>``: what to upload, the template link and the file box; ``<pk>`` is the
record the rows go into (a course, an institution), loaded through the scope (404
otherwise), or 0 for a national table. ``POST`` with a file: the preview (nothing is
stored); the file waits under the upload folder, named only in the user's session.
``POST`` with ``islem=kaydet`` and a mode: the rows are run again and stored as the
mode says; the page shows the report row by row. ``GET <route>/<pk>/sablon``: the
template (.xlsx).
"""
from __future__ import annotations

from flask import abort, flash, g, request, session
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access

from app.core import importer, uploads
from app.core.extensions import db
from app.core.filters import KursInterface
from app.core.i18n import Msg
from app.core.views import RecordView, get_or_404

KIND = "iceaktar"


def import_view(imp: importer.Importer, name: str, route: str, permission: str, back=None):
    """A RecordView class for ``imp``. ``back(target)``: (label, url) of the page to go
    back to."""

    class View(RecordView):
        route_base = route
        class_permission_name = permission
        method_permission_name = {"sayfa": "write", "sablon": "write"}
        default_view = "sayfa"
        datamodel = KursInterface(imp.target_model) if imp.target_model is not None else None

        def _target(self, pk):
            if imp.target_model is None:
                if pk != 0:
                    abort(404)
                return None
            return get_or_404(imp.target_model, pk)

        @expose("/<int:pk>/sablon")
        @has_access
        def sablon(self, pk):
            from flask import Response

            self._target(pk)
            resp = Response(importer.template(imp), mimetype="application/vnd.openxmlformats-officedocument"
                                                             ".spreadsheetml.sheet")
            resp.headers["Content-Disposition"] = f'attachment; filename="{imp.name}-sablon.xlsx"'
            return resp

        @expose("/<int:pk>", methods=["GET", "POST"])
        @has_access
        def sayfa(self, pk):
            target = self._target(pk)
            key = f"{KIND}:{imp.name}:{pk}"
            report, error, status = None, "", 200
            mode = request.form.get("mod", importer.HEPSI)
            if mode not in importer.MODES:
                mode = importer.HEPSI
            if request.method == "POST":
                try:
                    if request.form.get("islem") == "kaydet":
                        data = _waiting(key)
                        report = importer.run(db.session, imp, importer.read(data, imp), target, mode)
                        if report.error:
                            error = report.error
                        elif report.stored:
                            _forget(key)
                            flash(imp.done_message(report), "success")
                        else:
                            error = (Msg("Hiçbir satır kaydedilmedi: %(n)s satır reddedildi.", n=report.refused)
                                     if report.refused else "Hiçbir satır kaydedilmedi: uygun satır yok.")
                    else:
                        data = _upload()
                        rows = importer.read(data, imp)
                        _forget(key)
                        session[key] = {"dosya": uploads.store(KIND, data, ".bin"), "user": g.user.id}
                        report = importer.run(db.session, imp, rows, target, importer.ONIZLEME)
                except importer.BadFile as exc:
                    db.session.rollback()
                    error, status = exc.args[0], 400  # the message itself: a Msg keeps its msgid
                if error and status == 200:
                    status = 400
                target = self._target(pk)  # reloaded after a rollback
            return self.render_template(
                "core/iceaktar.html", imp=imp, target=target, pk=pk, report=report, error=error,
                modes=importer.MODES, mode=mode, waiting=key in session, back=back(target) if back else None,
                headers=[f.header for f in imp.fields], keys=[f.key for f in imp.fields]), status

    View.__name__ = View.__qualname__ = name
    return View


def _upload() -> bytes:
    file = request.files.get("dosya")
    if file is None or not file.filename:
        raise importer.BadFile(importer.MSG_NO_FILE)
    data = file.read(importer.MAX_BYTES + 1)
    if len(data) > importer.MAX_BYTES:
        raise importer.BadFile(importer.MSG_TOO_BIG)
    return data


def _waiting(key: str) -> bytes:
    """The previewed file (this user's), or ``BadFile`` when there is none."""
    entry = session.get(key)
    if not entry or entry.get("user") != g.user.id:
        raise importer.BadFile("Önce dosyayı seçip \"Önizle\" ile kontrol ediniz.")
    data = uploads.read(entry["dosya"])
    if data is None:
        session.pop(key, None)
        raise importer.BadFile("Önizlenen dosya artık yok; dosyayı yeniden seçiniz.")
    return data[:importer.MAX_BYTES + 1]


def _forget(key: str) -> None:
    entry = session.pop(key, None)
    if entry and entry.get("dosya"):
        uploads.remove(entry["dosya"])
