"""Due-soon and overdue reminders: in-application notices and email, once per item/unit/period/kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import reverse

from minsheng.audit.services import audit_record
from minsheng.org.models import Role, RoleAssignment

from ..access import reporting_units
from ..domain.approval import Status
from ..domain.periods import periods_of_year
from ..models import (
    GoalShare,
    LedgerItem,
    LedgerYear,
    LedgerYearStatus,
    Notice,
    NoticeKind,
    ReminderLog,
    Submission,
)
from ..selectors import due_rule_for, due_rules_of

DUE_SOON_DAYS = 3
# Overdue reminders go out for periods due within this window; older gaps live on the not-yet-reported list.
OVERDUE_WINDOW_DAYS = 45


@dataclass
class ReminderResult:
    notices: int = 0
    emails: int = 0
    reminders: int = 0
    skipped: int = 0


def reminders_send(*, actor: Any = None, today: dt.date) -> ReminderResult:
    """Remind reporters of every published year's reports that are due within 3 days or overdue and not
    yet submitted. Running it twice on the same day (or any later day) sends nothing twice."""
    result = ReminderResult()
    reporters: dict[int, list[Any]] = {}
    for ra in RoleAssignment.objects.filter(role=Role.REPORTER).select_related("user"):
        if ra.user.is_active:
            reporters.setdefault(ra.unit_id, []).append(ra.user)
    mails: list[tuple[str, str, str, list[str]]] = []
    years = LedgerYear.objects.filter(
        status=LedgerYearStatus.PUBLISHED, year__gte=today.year - 1, year__lte=today.year
    )
    for ledger_year in years:
        rules = due_rules_of(ledger_year)
        items = (
            LedgerItem.objects.filter(ledger_year=ledger_year)
            .select_related("lead_unit")
            .prefetch_related(Prefetch("shares", queryset=GoalShare.objects.select_related("unit")))
        )
        reported = set(
            Submission.objects.filter(
                item__ledger_year=ledger_year, is_current=True, status__in=(Status.SUBMITTED, Status.APPROVED)
            ).values_list("item_id", "unit_id", "period_key")
        )
        for item in items:
            rule = due_rule_for(item, rules)
            for period in periods_of_year(ledger_year.year, item.frequency):
                days = (period.due_on(rule) - today).days
                if days > DUE_SOON_DAYS or days < -OVERDUE_WINDOW_DAYS:
                    continue
                kind = NoticeKind.OVERDUE if days < 0 else NoticeKind.DUE_SOON
                for unit in reporting_units(item):
                    if (item.pk, unit.pk, period.key) in reported:
                        continue
                    try:
                        with transaction.atomic():
                            ReminderLog.objects.create(item=item, unit=unit, period_key=period.key, kind=kind)
                    except IntegrityError:
                        result.skipped += 1
                        continue
                    result.reminders += 1
                    when = f"已逾期{-days}天" if days < 0 else f"将于{period.due_on(rule):%Y-%m-%d}到期"
                    message = f"{unit.name}：{item.title}（{period.label_zh}）报送{when}，请尽快填报"
                    url = reverse("reporting:report", args=[item.pk, unit.code, period.key])
                    users = reporters.get(unit.pk, [])
                    Notice.objects.bulk_create(
                        [Notice(user=u, kind=kind, message=message, url=url) for u in users]
                    )
                    result.notices += len(users)
                    addresses = [u.email for u in users if u.email]
                    if addresses:
                        mails.append(("【民生】报送提醒", message, settings.DEFAULT_FROM_EMAIL, addresses))
    if mails:
        result.emails = send_mass_mail(mails, fail_silently=True)
    audit_record(
        actor=actor,
        action="reporting.reminders_send",
        detail={"today": today.isoformat(), "reminders": result.reminders, "notices": result.notices},
    )
    return result
