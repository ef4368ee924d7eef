from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from minsheng.accounts.models import User
from minsheng.org.models import Unit
from minsheng.policy.models import Target

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_then_does_nothing() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    assert "jiangan_reporter" in out.getvalue()
    counts = (Unit.objects.count(), Target.objects.count(), User.objects.count())
    assert Unit.objects.filter(kind="district").count() == 13
    assert Unit.objects.filter(kind="zone").count() == 4
    assert Unit.objects.filter(synthetic=True, kind="community").exists()
    again = StringIO()
    call_command("demo", stdout=again)
    assert "未做改动" in again.getvalue()
    assert (Unit.objects.count(), Target.objects.count(), User.objects.count()) == counts


def test_districts_carry_gbt2260_codes_and_area_types() -> None:
    call_command("demo", "--quiet-logins", stdout=StringIO())
    central = set(Unit.objects.filter(area_type="central").values_list("code", flat=True))
    new = set(Unit.objects.filter(area_type="new").values_list("code", flat=True))
    assert central == {"420102", "420103", "420104", "420105", "420106", "420107", "420111"}
    assert new == {"420112", "420113", "420114", "420115", "420116", "420117"}
