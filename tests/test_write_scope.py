"""Writes are checked as the row will be stored (issue 13): a row moved out of the user's
scope is refused whether its owner was set through the column or the relationship, by a
form or by the REST API, for every model the scope registry knows."""
import pytest
from flask import g
from sqlalchemy import inspect, select
from sqlalchemy.orm import MANYTOONE

from app.core import scope
from app.core.extensions import db
from app.core.scope import BIRIM_OWNER, ILCE_OWNER, OutOfScope, Scope
from app.core.tree import ILCE, KURUM, Birim, Kurum
from tests.conftest import api_token, post_form


def _kurum(kod):
    return db.session.execute(select(Kurum).where(Kurum.kurum_kodu == kod)).scalar_one()


def _owner_column(model):
    owner = model.__owner__
    return "ilce_id" if owner == "kurum" else owner


def _owner_relationship(model, column):
    for rel in inspect(model).relationships:
        if rel.direction is MANYTOONE and [c.key for c in rel.local_columns] == [column]:
            return rel.key
    return None


def _foreign(model, column):
    """An owner value outside Kadıköy (Üsküdar's), for ``column`` of ``model``."""
    with scope.unscoped():
        usk = _kurum("200001")
        if model.__owner__ in ("kurum", ILCE_OWNER):
            return usk.ilce_id, db.session.get(Birim, usk.ilce_id)
        if model.__owner__ == BIRIM_OWNER:
            return usk.birim_id, db.session.get(Birim, usk.birim_id)
        return usk.id, usk


@pytest.fixture(scope="module")
def rows_of_every_model(app):
    """Moda rows of the models the demo data leaves empty (money, absences, inquiries)."""
    import datetime as dt

    from app.absences.models import Devamsizlik
    from app.core import clock
    from app.courses.models import Ders
    from app.fees.models import Odeme, Taksit
    from app.trainees.models import Sorusturma
    from tests import factories

    kurs_id, (kayit_id,) = factories.active_course(app, db, trainees=(49, 1))
    with app.app_context():
        moda = _kurum("100001").id
        ders = db.session.execute(select(Ders).where(Ders.kurs_id == kurs_id).limit(1)).scalar_one()
        today = clock.today()
        db.session.add_all([
            Odeme(kurum_id=moda, kayit_id=kayit_id, aciklama="Test", odeme_tarihi=today, tutar=10),
            Taksit(kurum_id=moda, kayit_id=kayit_id, sira=1, vade=today, tutar=10),
            Devamsizlik(kurum_id=moda, kayit_id=kayit_id, ders_id=ders.id, saat=1),
            Sorusturma(kurs_id=kurs_id, kurum_id=moda, sayi="1", tarih=today - dt.timedelta(days=1),
                       evrak="sorusturma/yok.pdf"),
        ])
        db.session.commit()
        from tests.esinav_factory import log_rows

        log_rows(db.session)  # e-Sınav's log tables


@pytest.mark.usefixtures("rows_of_every_model")
@pytest.mark.parametrize("state", ["changed", "new"])
@pytest.mark.parametrize("way", ["column", "relationship"])
@pytest.mark.parametrize("kind", [ILCE, KURUM])
def test_every_owned_model_refuses_a_row_out_of_scope(app, kind, way, state):
    """Every model with ``__owner__`` (scope.scoped_models): a row the user may write
    moved to Üsküdar ("changed"), or a new row placed there ("new"), by its column or by
    its relationship, is refused at the flush."""
    tried, untried = [], []
    with app.app_context():
        moda = _kurum("100001")
        user_scope = Scope(ILCE, moda.ilce_id) if kind == ILCE else Scope(KURUM, moda.birim_id, moda.id)
        models = list(scope.scoped_models())
        assert len(models) >= 10, models
        for model in models:
            if kind == KURUM and model.__owner__ in ("kurum", ILCE_OWNER) and state == "changed":
                continue  # an institution never moves itself, and sees no district row it could move
            if model.__owner__ == BIRIM_OWNER and state == "new":
                continue  # new audit rows are written by the application only, describing checked changes
            column = _owner_column(model)
            rel = _owner_relationship(model, column)
            if way == "relationship" and rel is None:
                continue  # no relationship: the column is the only way, tried too
            value, target = _foreign(model, column)
            with app.test_request_context(), db.session.no_autoflush:
                g.kapsam = user_scope
                if state == "changed":
                    row = db.session.execute(select(model).limit(1)).scalars().first()
                    if row is None:
                        untried.append(model.__name__)  # no row to change: the "new" case tries it
                        continue
                else:
                    row = model()
                    db.session.add(row)
                if way == "column":
                    setattr(row, column, value)
                else:
                    setattr(row, rel, target)
                with pytest.raises(OutOfScope):
                    db.session.flush()
                db.session.rollback()
                tried.append(model.__name__)
    if state == "changed":
        # the finding's own models and those of the course life have rows to change
        needed = {"Sinif", "Egitici", "Kurs"} | ({"Kurum", "SinavDonemi"} if kind == ILCE else set())
        if way == "column":
            needed |= {"Kayit", "Odeme", "Taksit", "Devamsizlik", "Sorusturma", "Ders", "Belge"}
        assert needed <= set(tried), (needed - set(tried), untried)
    else:  # every model of the registry but the audit log (written by the application only)
        expected = [m.__name__ for m in models if m.__owner__ != BIRIM_OWNER
                    and (way == "column" or _owner_relationship(m, _owner_column(m)))]
        assert sorted(tried) == sorted(expected) and len(expected) >= (20 if way == "column" else 5)


def test_district_user_cannot_move_an_institution_to_another_district_by_api(app, client):
    """The finding: PUT /api/v1/kurum/<id> {"ilce": Üsküdar} as kadikoy.sube answered 200."""
    with app.app_context():
        k = _kurum("100002")
        kid, kadikoy, uskudar = k.id, k.ilce_id, _kurum("200001").ilce_id
    token = api_token(client, "kadikoy.sube")
    for body in ({"ilce": uskudar}, {"ilce": uskudar, "ad": "Taşınan Kurs"}):
        resp = client.put(f"/api/v1/kurum/{kid}", json=body, headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code in (404, 422), resp.get_data(as_text=True)
    with app.app_context():
        k = db.session.get(Kurum, kid)
        assert (k.ilce_id, k.birim.ilce_id, k.ad) == (kadikoy, kadikoy, "Kadıköy Bilgisayar Kursu")
    # Üsküdar still sees nothing of it
    usk = api_token(client, "uskudar.sube")
    resp = client.get(f"/api/v1/kurum/{kid}", headers={"Authorization": f"Bearer {usk}"})
    assert resp.status_code == 404


def test_district_user_cannot_move_an_institution_by_form(app, as_user):
    with app.app_context():
        k = _kurum("100002")
        kid, kadikoy, uskudar, tur = k.id, k.ilce_id, _kurum("200001").ilce_id, k.kurum_turu_id
    client = as_user("kadikoy.sube")
    resp = post_form(client, f"/kurum/edit/{kid}", {
        "kurum_kodu": "100002", "ad": "Kadıköy Bilgisayar Kursu", "kurum_turu": str(tur),
        "ilce": str(uskudar), "adres": "x", "ruhsat_kapasitesi": "80", "aktif": "y"})
    assert resp.status_code in (200, 404)
    with app.app_context():
        assert db.session.get(Kurum, kid).ilce_id == kadikoy
