"""The scope's criteria go to the tables a statement can read rows of, and only those
(``app.core.scope_filter.tables_reached``): every table named in it, joined along a relationship,
in a subquery or an EXISTS, and every table the relationships of a loaded entity lead to
(their later loads carry the statement's criteria). A table missed here would be read
unfiltered, so each way of reaching one is pinned."""
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.core import scope, scope_filter
from app.core.extensions import db
from app.core.tree import Kurum
from app.courses.models import Kurs
from app.fees.models import Odeme
from app.trainees.models import Kayit, Kursiyer


def test_every_way_a_statement_reaches_a_table(app):
    with app.app_context():
        other = aliased(Kayit)
        cases = [
            (select(Kurs.id), {"kurs"}, {"kayit"}),
            (select(Kayit.id).join(Kayit.kurs), {"kayit", "kurs"}, set()),  # along a relationship
            (select(func.count()).select_from(Kurs).join(Kayit, Kayit.kurs_id == Kurs.id), {"kurs", "kayit"}, set()),
            (select(Kurs.id).join(other, other.kurs_id == Kurs.id), {"kurs", "kayit"}, set()),  # an alias
            (select(Kurs.id).where(Kurs.id.in_(select(Kayit.kurs_id))), {"kurs", "kayit"}, set()),  # a subquery
            (select(Kayit.id).where(Kayit.kurs.has()), {"kayit", "kurs"}, set()),  # EXISTS
            (select(func.count()).select_from(select(Odeme.id).subquery()), {"odeme"}, {"kurs"}),
            # an entity: every table its relationships lead to (kayitlar → kursiyer, odeme, ...)
            (select(Kurs), {"kurs", "kayit", "kursiyer", "odeme"}, set()),
            (select(Kursiyer).where(Kursiyer.id == 1), {"kursiyer"}, set()),
        ]
        for statement, reached, not_reached in cases:
            found = scope_filter.tables_reached(statement)
            assert reached <= found, (str(statement), reached - found)
            assert not (not_reached & found), (str(statement), not_reached & found)


def test_an_institution_counts_only_its_own_rows_however_the_statement_reaches_them(app):
    """The same counts through joins, subqueries and relationships as an institution's
    user: each equals the count of that institution's rows read directly."""
    with app.app_context():
        kurum_id, birim_id = db.session.execute(
            select(Kurs.kurum_id, Kurum.birim_id).join(Kurs.kurum)
            .join(Kayit, Kayit.kurs_id == Kurs.id).limit(1)).first()
        total = db.session.execute(select(func.count(Kayit.id))).scalar()
    with app.test_request_context():
        from flask import g

        g.kapsam = scope.Scope(scope.KURUM, birim_id, kurum_id)
        own = db.session.execute(select(func.count(Kayit.id))).scalar()
        assert 0 < own < total
        assert db.session.execute(select(func.count(Kayit.id)).join(Kayit.kurs)).scalar() == own
        assert db.session.execute(select(func.count()).select_from(select(Kayit.id).subquery())).scalar() == own
        assert db.session.execute(select(func.count(Kurs.id)).where(
            Kurs.id.in_(select(Kayit.kurs_id)))).scalar() == len({k.kurs_id for k in db.session.execute(
                select(Kayit)).scalars()})
        for kurs in db.session.execute(select(Kurs)).unique().scalars():  # later loads of a loaded entity
            assert all(k.kurum_id == kurum_id for k in kurs.kayitlar)
        db.session.rollback()
