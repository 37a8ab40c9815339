"""The front door of the screens: ``register`` builds the menu and registers each
package's screens and REST resources (they live in ``app/<package>/views.py``); the
audit log's screen is here too.

Menus follow e-Özel: "Kurum İşlemleri → Kurum Bilgileri / Sınıf Bilgileri /
Eğitici Bilgileri", "Genel Müdürlük → Kurs Programları / Modüller / Resmî Tatiller",
"Yönetici Modülü → Kullanıcı İşlemleri / Birimler / Denetim Kayıtları".
"""
from __future__ import annotations

from flask import abort, current_app
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app.core.filters import (
    KursInterface,
)
from app.core.models import DenetimKaydi
from app.core.views import KursModelView
from app.org.roles import MENUS


class DenetimView(KursModelView):
    """"Denetim Kayıtları": who (the person's name), when, what (in words), before/after.
    Which rows a user reads is the scope mechanism's rule for the audit log (its own
    unit's rows and those of the units below it)."""

    datamodel = KursInterface(DenetimKaydi)
    class_permission_name = "Denetim"
    route_base = "/denetim"
    list_title = _l("Denetim Kayıtları")
    show_title = _l("Denetim Kaydı")
    show_template = "core/denetim_show.html"
    label_columns = {"zaman": _l("Zaman"), "kisi": _l("Kişi"), "kullanici_adi": _l("Kullanıcı Adı"),
                     "birim": _l("Birim"), "kayit": _l("Kayıt"), "nesne": _l("Kayıt Türü"),
                     "nesne_id": _l("Kayıt No"), "islem": _l("İşlem"), "islem_metni": _l("İşlem"),
                     "aciklama": _l("Açıklama")}
    list_columns = ["zaman", "kisi", "birim", "kayit", "islem_metni", "aciklama"]
    show_columns = ["zaman", "kisi", "kullanici_adi", "birim", "kayit", "islem_metni", "aciklama"]
    search_columns = ["kullanici_adi", "nesne", "nesne_id", "islem", "zaman"]
    base_order = ("zaman", "desc")
    base_permissions = ["can_read"]

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """The row, and its before/after as a table of fields (not raw JSON)."""
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
        if item is None:
            abort(404)
        widgets = self._get_show_widget(pk, item)
        self.update_redirect()
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=widgets,
                                    kayit=item, degisiklikler=item.degisiklikler())


# --- REST API: /api/v1/<resource>/ --------------------------------------------------


def _menu(appbuilder, view, name, category, icon, category_icon="fa-folder"):
    appbuilder.add_view(view, name, icon=icon, label=_l(name), category=category,
                        category_label=_l(category), category_icon=category_icon)
    entry = (view.class_permission_name, name, category)
    if entry not in MENUS:
        MENUS.append(entry)


def _submenu(appbuilder, view, name, category, group, group_label, icon):
    """A menu item one level deeper: "category → group → name" (the navbar template
    shows the group as a heading). Visibility is per item, as for any other."""
    _menu(appbuilder, view, name, category, icon)
    _nest(appbuilder, name, category, group, group_label)


def _nest(appbuilder, name, category, group, group_label):
    from flask_appbuilder.menu import MenuItem

    parent = appbuilder.menu.find(category)
    item = next(i for i in parent.childs if i.name == name)
    parent.childs.remove(item)
    holder = next((i for i in parent.childs if i.name == group), None)
    if holder is None:
        holder = MenuItem(group, label=group_label, icon="fa-graduation-cap")
        parent.childs.append(holder)
    holder.childs.append(item)


def register(appbuilder) -> None:
    from app.courses.plan_views import DersPlaniView, WizardView
    from app.courses.views import (
        DersRestApi,
        KursIslemleriView,
        KursOnayView,
        KursPlanlamaView,
        KursRestApi,
        KursView,
    )
    from app.org.views import (
        BirimView,
        EgiticiApi,
        EgiticiView,
        KurumApi,
        KurumTuruView,
        KurumView,
        ModulApi,
        ModulView,
        ProgramApi,
        ProgramView,
        SinifApi,
        SinifView,
        TatilApi,
        TatilView,
    )

    _menu(appbuilder, KurumView, "Kurum Bilgileri", "Kurum İşlemleri", "fa-building", "fa-university")
    _menu(appbuilder, SinifView, "Sınıf Bilgileri", "Kurum İşlemleri", "fa-chalkboard")
    _menu(appbuilder, EgiticiView, "Eğitici Bilgileri", "Kurum İşlemleri", "fa-chalkboard-teacher")
    group = ("Kurs İşlemleri Grubu", _l("Kurs İşlemleri"))
    _submenu(appbuilder, KursPlanlamaView, "Kurs Planlama", "Kurum İşlemleri", *group, "fa-calendar-plus-o")
    _submenu(appbuilder, KursOnayView, "Kurs Onay İşlemleri", "Kurum İşlemleri", *group, "fa-check-square-o")
    _submenu(appbuilder, KursIslemleriView, "Kurs İşlemleri", "Kurum İşlemleri", *group, "fa-tasks")
    from app.courses.views import KursArsivView

    _submenu(appbuilder, KursArsivView, "Biten Kurslar", "Kurum İşlemleri", *group, "fa-archive")
    from app.trainees.views import (
        KayitDurumView,
        KursBasvuruView,
        KursiyerEkleView,
        KursKursiyerIslemleriView,
        KursSorusturmaView,
        SorusturmaEvrakView,
        SorusturmaView,
    )

    _submenu(appbuilder, KursBasvuruView, "Kurs Kursiyer Başvurular", "Kurum İşlemleri", *group, "fa-user-plus")
    _submenu(appbuilder, KursKursiyerIslemleriView, "Kurs Kursiyer İşlemleri", "Kurum İşlemleri", *group, "fa-users")
    _submenu(appbuilder, KursSorusturmaView, "Kurs İnceleme Soruşturma", "Kurum İşlemleri", *group, "fa-search")
    from app.absences.views import DevamsizlikView
    from app.fees.views import MakbuzView, UcretView
    from app.trainees.photo_views import KursiyerAramaView

    appbuilder.add_link("Kursiyer Arama", href="/kursiyerarama/", icon="fa-search", label=_l("Kursiyer Arama"),
                        category="Kurum İşlemleri")
    _nest(appbuilder, "Kursiyer Arama", "Kurum İşlemleri", "Kursiyer İşlemleri Grubu", _l("Kursiyer İşlemleri"))
    if ("Kursiyer", "Kursiyer Arama", "Kurum İşlemleri") not in MENUS:
        MENUS.append(("Kursiyer", "Kursiyer Arama", "Kurum İşlemleri"))
    from app.exams.views import (
        KursSonuView,
        NotGirisiView,
        SinavDonemiView,
        SinavGirisView,
        SinavIslemView,
        SorguView,
    )

    _submenu(appbuilder, KursSonuView, "Kurs Sonu İşlemleri", "Kurum İşlemleri", *group, "fa-print")
    _submenu(appbuilder, SinavDonemiView, "Sınav Dönemleri", "Kurum İşlemleri", "Sınav İşlemleri Grubu",
             _l("Sınav İşlemleri"), "fa-calendar-check-o")
    _submenu(appbuilder, SinavGirisView, "Sınav Giriş Belgeleri", "Kurum İşlemleri", "Sınav İşlemleri Grubu",
             _l("Sınav İşlemleri"), "fa-id-badge")
    for view in (KursView, WizardView, DersPlaniView, KursiyerEkleView, SorusturmaView, SorusturmaEvrakView,
                 KayitDurumView, KursiyerAramaView, UcretView, MakbuzView, DevamsizlikView, SinavIslemView,
                 NotGirisiView):
        appbuilder.add_view_no_menu(view)
    from app.org.views import EgiticiAktarView, SinifAktarView, TatilAktarView
    from app.trainees.views import KimlikAktarView, KursiyerAktarView

    for view in (KursiyerAktarView, KimlikAktarView, SinifAktarView, EgiticiAktarView, TatilAktarView):
        appbuilder.add_view_no_menu(view)  # Excel imports: linked from their lists and pages
    _menu(appbuilder, ProgramView, "Kurs Programları", "Genel Müdürlük", "fa-book", "fa-landmark")
    _menu(appbuilder, ModulView, "Modüller / Seviyeler", "Genel Müdürlük", "fa-layer-group")
    _menu(appbuilder, TatilView, "Resmî Tatiller", "Genel Müdürlük", "fa-calendar")
    _menu(appbuilder, KurumTuruView, "Kurum Türleri", "Genel Müdürlük", "fa-tags")
    from app.trainees.gm_views import AyarView, KimlikIslemView

    _menu(appbuilder, AyarView, "Ayarlar", "Genel Müdürlük", "fa-sliders")
    _menu(appbuilder, KimlikIslemView, "Kursiyer Kimlik İşlemleri", "Genel Müdürlük", "fa-id-card")
    from app.trainees.gm_views import MahkemeKarariView

    appbuilder.add_view_no_menu(MahkemeKarariView)
    _menu(appbuilder, BirimView, "Birimler", "Yönetici Modülü", "fa-sitemap", "fa-cogs")
    _menu(appbuilder, DenetimView, "Denetim Kayıtları", "Yönetici Modülü", "fa-history", "fa-cogs")
    sorgu = appbuilder.add_view_no_menu(SorguView)
    from app.core import throttle

    throttle.limit_blueprint(current_app, sorgu.blueprint.name, "sorgu", "SORGU_LIMIT", "20 per minute",
                             methods=("POST", "GET"))
    from app.reports import views as views_reports

    for view in views_reports.VIEWS:
        appbuilder.add_view_no_menu(view)
    from app.reports import calendar_views

    for view in calendar_views.VIEWS:
        appbuilder.add_view_no_menu(view)
    _submenu(appbuilder, calendar_views.HaftalikProgramView, "Haftalık Ders Programı", "Kurum İşlemleri", *group,
             "fa-calendar")
    _menu(appbuilder, views_reports.TahsilatView, "Tahsilat Raporu", "Kurum İşlemleri", "fa-money")
    _nest(appbuilder, "Tahsilat Raporu", "Kurum İşlemleri", "Kursiyer İşlemleri Grubu", _l("Kursiyer İşlemleri"))
    from app.absences import views as views_absence
    from app.exams import views as views_exam
    from app.fees import views as views_fees
    from app.trainees import views as views_trainee

    for api in (KurumApi, SinifApi, EgiticiApi, ProgramApi, ModulApi, TatilApi, KursRestApi, DersRestApi,
                *views_trainee.APIS, *views_absence.APIS, *views_fees.APIS, *views_exam.APIS):
        appbuilder.add_api(api)
    from app.esinav import views as views_esinav

    views_esinav.register(appbuilder, _menu)
    from app.esinav import terminal_views  # the candidate terminal and the result computer (issue 11)

    terminal_views.register(appbuilder)
