from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dangjian.accounts.access import access_for
from dangjian.core import history, xlsx
from dangjian.members.models import Member

from . import documents, qr, services
from .forms import (
    AdoptionForm,
    CampaignForm,
    CodesForm,
    DecisionForm,
    DisposalForm,
    ExclusionForm,
    SelfEvaluationForm,
)
from .models import Campaign, Decision, SelfEvaluation
from .rules import visible_campaigns
from .ruleset import UNQUALIFIED, current


def _campaign(request, pk: int) -> Campaign:
    return services.settle(get_object_or_404(visible_campaigns(request.user), pk=pk))


def _managed(request, pk: int) -> Campaign:
    campaign = _campaign(request, pk)
    if not request.user.has_perm("evaluations.manage_campaign", campaign):
        raise PermissionDenied
    return campaign


def _refused(request, exc: services.Refused) -> None:
    for problem in exc.problems:
        messages.error(request, problem)


@login_required
def campaign_list(request):
    access = access_for(request.user)
    campaigns = visible_campaigns(request.user).order_by("-year", "org__path")
    page = Paginator(campaigns, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluations/list.html",
        {
            "page": page,
            "can_create": access.manageable_orgs().filter(kind="branch").exists(),
            "sees_many": access.sees_many,
        },
    )


@login_required
def campaign_edit(request, pk: int | None = None):
    access = access_for(request.user)
    campaign = _managed(request, pk) if pk else None
    if campaign is None and not access.manageable_orgs().filter(kind="branch").exists():
        raise PermissionDenied
    if campaign and (campaign.status == Campaign.Status.DECIDED or campaign.decisions.exists()):
        messages.error(request, "已开始组织评定的评议不能再修改设置。")
        return redirect(campaign)
    form = CampaignForm(
        request.POST or None,
        instance=campaign,
        orgs=access.manageable_orgs(),
        initial={"org": request.GET.get("org")} if campaign is None else None,
    )
    if request.method == "POST" and form.is_valid():
        if campaign is None:
            fields = {k: v for k, v in form.cleaned_data.items() if k != "org"}
            campaign = services.create_campaign(form.cleaned_data["org"], request.user, **fields)
            messages.success(request, f"已创建{campaign}，请核对参评和投票名单后点击“开始评议”。")
        else:
            form.save()
            messages.success(request, "已保存评议设置。")
        return redirect(campaign)
    return render(request, "evaluations/edit.html", {"form": form, "campaign": campaign})


def _roll(request, campaign: Campaign) -> list:
    """The participants, each with the exclusion reason this user may see (`shown_reason`)."""
    sanctions = services.reads_discipline(request.user, campaign)
    me = access_for(request.user).member_id
    participants = list(
        campaign.participants.select_related("member").order_by("-graded", "member__name_pinyin")
    )
    for p in participants:
        p.shown_reason = services.shown_reason(p, sanctions, me)
    return participants


@login_required
def campaign_detail(request, pk: int):
    campaign = _campaign(request, pk)
    access = access_for(request.user)
    me = Member.objects.filter(pk=access.member_id).first()
    mine = campaign.participants.filter(member=me).first() if me else None
    reads = request.user.has_perm("evaluations.view_results", campaign)
    context = {
        "campaign": campaign,
        "me": mine,
        "can_manage": request.user.has_perm("evaluations.manage_campaign", campaign),
        "reads": reads,
        "right": services.right_for(campaign, me),
        "my_self": services.self_evaluation_for(campaign, me) if me else None,
        "participants": _roll(request, campaign),
        "rules": current(),
    }
    if context["can_manage"] and campaign.vote_is_closed and campaign.status != Campaign.Status.DECIDED:
        context["adoption"] = services.adoption_basis(campaign) if campaign.meeting_id else None
        context["adoption_form"] = AdoptionForm()
    if reads:
        done, drafts, missing = services.self_progress(campaign)
        rights = campaign.voter_rights.filter(member__isnull=False)
        # Turnout only: who has (not) voted, watched over time, would tell the order of the votes.
        context.update(
            {
                "self_done": done,
                "self_drafts": drafts,
                "self_missing": missing,
                "self_pending": len(drafts) + len(missing),
                "voted": rights.filter(has_voted=True).count(),
                "voters": rights.count(),
                "voter_ids": set(rights.values_list("member_id", flat=True)),
                "codes_used": campaign.voter_rights.filter(member__isnull=True, has_voted=True).count(),
                "codes": campaign.voter_rights.filter(member__isnull=True).count(),
                "history": history.changes(campaign),
            }
        )
    return render(request, "evaluations/detail.html", context)


def _finalise(request):
    """The finalise action with the adoption vote typed on the campaign page."""

    def run(campaign: Campaign) -> None:
        form = AdoptionForm(request.POST)
        if not form.is_valid():
            fields = form.fields
            problems = [f"{fields[name].label}：{e}" for name, errors in form.errors.items() for e in errors]
            raise services.Refused("党员大会表决票数有误：" + "；".join(problems))
        services.finalise(
            campaign,
            form.cleaned_data["votes_for"],
            form.cleaned_data["votes_against"] or 0,
            form.cleaned_data["votes_abstain"] or 0,
        )

    return run


@login_required
@require_POST
def campaign_action(request, pk: int, action: str):
    campaign = _managed(request, pk)
    done = {
        "open": (services.open_campaign, "评议已开始，已通知参评党员。"),
        "close": (services.close_vote, "民主测评已结束，可以查看统计结果。"),
        "finalise": (_finalise(request), "已完成组织评定，已记入党员大会的议题与表决。"),
        "sync": (services.sync_roll, "已按党员名册重新核对参评和投票名单。"),
    }
    if action not in done:
        raise Http404
    run, message = done[action]
    try:
        run(campaign)
    except services.Refused as exc:
        _refused(request, exc)
    else:
        messages.success(request, message)
    return redirect(campaign)


@login_required
@require_POST
def exclude(request, pk: int, member_id: int):
    """The secretary excludes a member by hand with a reason (empty reason: include again)."""
    campaign = _managed(request, pk)
    form = ExclusionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(campaign)
    try:
        services.exclude_member(campaign, member_id, form.cleaned_data["reason"])
    except services.Refused as exc:
        _refused(request, exc)
    else:
        messages.success(request, "已排除该党员。" if form.cleaned_data["reason"] else "已恢复该党员参评。")
    return redirect(campaign)


@login_required
def codes(request, pk: int):
    """Codes are shown once, right after they are made, for printing: only their hashes are kept."""
    campaign = _managed(request, pk)
    form = CodesForm(request.POST or None)
    cards = []
    if request.method == "POST" and form.is_valid():
        try:
            made = services.issue_codes(campaign, form.cleaned_data["count"])
        except services.Refused as exc:
            _refused(request, exc)
            return redirect("evaluations:codes", pk=campaign.pk)
        base = request.build_absolute_uri(reverse("evaluations:code_entry"))
        cards = [{"code": c, "svg": qr.svg(f"{base}{c}/")} for c in made]
    rights = campaign.voter_rights.filter(member__isnull=True)
    response = render(
        request,
        "evaluations/codes.html",
        {
            "campaign": campaign,
            "form": form,
            "cards": cards,
            "issued": rights.count(),
            "used": rights.filter(has_voted=True).count(),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


# ---- 个人自评 ----


@login_required
def my_self_evaluation(request, pk: int):
    campaign = _campaign(request, pk)
    member = get_object_or_404(Member, pk=access_for(request.user).member_id or 0)
    if not campaign.participants.filter(member=member, writes_self=True).exists():
        raise Http404
    record = services.self_evaluation_for(campaign, member)
    form = SelfEvaluationForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.save_self_evaluation(campaign, member, form.cleaned_data, submit=submit)
        except services.Refused as exc:
            _refused(request, exc)
        else:
            messages.success(request, "自评已提交。" if submit else "草稿已保存，提交前可以继续修改。")
            return redirect(campaign if submit else request.path)
    return render(
        request,
        "evaluations/self_form.html",
        {
            "campaign": campaign,
            "form": form,
            "record": record,
            "editable": campaign.self_is_open and not (record and record.submitted),
        },
    )


@login_required
def self_evaluation(request, pk: int, member_id: int):
    campaign = _campaign(request, pk)
    record = get_object_or_404(
        SelfEvaluation.objects.select_related("member", "campaign__org"),
        campaign=campaign,
        member_id=member_id,
    )
    if not request.user.has_perm("evaluations.view_self_evaluation", record):
        raise PermissionDenied
    if request.method == "POST":
        if not request.user.has_perm("evaluations.manage_campaign", campaign):
            raise PermissionDenied
        try:
            services.return_self_evaluation(record)
        except services.Refused as exc:
            _refused(request, exc)
        else:
            messages.success(request, f"已将{record.member.name}的自评退回修改。")
        return redirect(campaign)
    return render(
        request,
        "evaluations/self_detail.html",
        {
            "campaign": campaign,
            "record": record,
            "can_return": record.submitted
            and campaign.self_is_open
            and request.user.has_perm("evaluations.manage_campaign", campaign),
        },
    )


# ---- 互评和民主测评 ----


def parse_ballot(post, member_ids) -> dict[int, tuple[str, str]]:
    grades = {}
    for m in member_ids:
        grade = post.get(f"grade_{m}", "")
        if grade:
            grades[m] = (grade, post.get(f"comment_{m}", ""))
    return grades


def _ballot(request, campaign: Campaign, *, member=None, code: str = "", public: bool = False):
    evaluated = services.graded_members(campaign)
    grades: dict[int, tuple[str, str]] = {}
    problems: list[str] = []
    if request.method == "POST":
        grades = parse_ballot(request.POST, [m.pk for m in evaluated])
        try:
            services.cast_ballot(campaign, grades, member=member, code=code)
        except services.Refused as exc:
            problems = exc.problems
        else:
            return render(request, "evaluations/voted.html", {"campaign": campaign})
    items = [(m, *grades.get(m.pk, ("", ""))) for m in evaluated]
    return render(
        request,
        "evaluations/ballot.html",
        {
            "campaign": campaign,
            "items": items,
            "total": len(items),
            "problems": problems,
            "public": public,
            "grades": current().grade_choices,
            "comment_max": services.COMMENT_MAX,
        },
        status=400 if problems else 200,
    )


@login_required
def vote(request, pk: int):
    campaign = _campaign(request, pk)
    member = Member.objects.filter(pk=access_for(request.user).member_id).first()
    right = services.right_for(campaign, member)
    if right is None:
        part = campaign.participants.filter(member=member).first() if member else None
        reason = (part.excluded_reason or current().no_vote_reason) if part else "您不是本支部参评党员。"
        return render(
            request, "evaluations/no_vote.html", {"campaign": campaign, "reason": reason}, status=403
        )
    if right.has_voted and request.method == "GET":
        return render(request, "evaluations/voted.html", {"campaign": campaign, "already": True})
    if not campaign.vote_is_open and request.method == "GET":
        messages.error(
            request,
            "民主测评已经结束，不能再投票。"
            if campaign.vote_is_closed
            else f"民主测评将于{campaign.vote_opens_on:%m月%d日}开始。",
        )
        return redirect(campaign)
    return _ballot(request, campaign, member=member)


def code_entry(request, code: str = ""):
    """群众代表: enter the one-time code (or scan its QR code) and fill in the 测评表; no login."""
    code = services.normalise_code(request.POST.get("code", code) if not code else code)
    if not code:
        return render(request, "evaluations/code_entry.html", {})
    right = services.code_right(code)
    if right is None:
        return render(
            request, "evaluations/code_entry.html", {"error": "测评码无效，请核对后重新输入。"}, status=404
        )
    campaign = services.settle(right.campaign)
    if right.has_voted:
        return render(request, "evaluations/voted.html", {"campaign": campaign, "already": True})
    if not campaign.allow_public:
        return render(
            request,
            "evaluations/code_entry.html",
            {"error": "本次评议已取消群众代表参加民主测评，测评码不能使用。"},
            status=400,
        )
    if not campaign.vote_is_open:
        return render(
            request, "evaluations/code_entry.html", {"error": "民主测评不在进行中，不能投票。"}, status=400
        )
    if request.method == "POST" and "code" in request.POST:  # the entry form: show the ballot
        return redirect("evaluations:code_ballot", code=code)
    return _ballot(request, campaign, code=code, public=True)


# ---- results ----


@login_required
def tally(request, pk: int):
    campaign = _campaign(request, pk)
    if not request.user.has_perm("evaluations.view_results", campaign):
        raise PermissionDenied
    if not campaign.vote_is_closed:
        messages.error(request, "测评结束后才能查看统计结果。")
        return redirect(campaign)
    result = services.tally_for(campaign)
    members = {m.pk: m for m in services.graded_members(campaign)}
    decisions = {d.member_id: d for d in campaign.decisions.select_related("disposal")}
    rules = current()
    rows = []
    for r in result.members:
        decision = decisions.get(r.member_id)
        disposal = getattr(decision, "disposal", None) if decision else None
        rows.append(
            {
                "t": r,
                "member": members[r.member_id],
                "decision": decision,
                "proposed": rules.grade_name(r.proposed),
                "measure": rules.disposals[disposal.measure].name if disposal else "",
                "shares": [(rules.grade_name(g), r.counts[g], round(r.shares[g] * 100)) for g in rules.grades]
                if r.counts is not None
                else None,
                "public": [(rules.grade_name(g), r.public_counts[g]) for g in rules.grades]
                if r.public_counts is not None
                else None,
            }
        )
    return render(
        request,
        "evaluations/tally.html",
        {
            "campaign": campaign,
            "result": result,
            "rows": rows,
            "rules": current(),
            "can_manage": request.user.has_perm("evaluations.manage_campaign", campaign),
            "excellent_decided": sum(1 for d in decisions.values() if d.grade == "excellent"),
            "grades": current().grade_choices,
            "meeting_problem": services.meeting_problem(campaign),
            "thresholds": {
                key: f"{value * 100:.4g}%"
                for key, value in (
                    ("unqualified", rules.proposal.unqualified_share_over),
                    ("basic", rules.proposal.basic_share_over),
                    ("excellent", rules.proposal.excellent_share_over),
                )
            },
        },
    )


@login_required
@require_POST
def decide(request, pk: int, member_id: int):
    campaign = _managed(request, pk)
    member = get_object_or_404(Member, pk=member_id, org=campaign.org)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择评定等次。")
        return redirect("evaluations:tally", pk=campaign.pk)
    proposed = (
        next((r.proposed for r in services.tally_for(campaign).members if r.member_id == member.pk), "")
        if campaign.vote_is_closed
        else ""
    )
    try:
        decision = services.decide(campaign, member, proposed, services.DecisionInput(**form.cleaned_data))
    except services.Refused as exc:
        _refused(request, exc)
        return redirect("evaluations:tally", pk=campaign.pk)
    messages.success(request, f"已评定{member.name}为{current().grade_name(decision.grade)}。")
    if decision.grade == UNQUALIFIED and not hasattr(decision, "disposal"):
        return redirect("evaluations:disposal", pk=campaign.pk, member_id=member.pk)
    return redirect(reverse("evaluations:tally", args=[campaign.pk]) + f"#m{member.pk}")


@login_required
def disposal(request, pk: int, member_id: int):
    campaign = _managed(request, pk)
    decision = get_object_or_404(
        Decision.objects.select_related("member"), campaign=campaign, member_id=member_id, grade=UNQUALIFIED
    )
    current_disposal = getattr(decision, "disposal", None)
    initial = (
        {
            "measure": current_disposal.measure,
            "deadline": current_disposal.deadline,
            "follow_up": current_disposal.follow_up,
            "notes": current_disposal.notes,
            "approved_on": current_disposal.approved_on,
        }
        if current_disposal
        else {}
    )
    form = DisposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_disposal(decision, **form.cleaned_data)
        except services.Refused as exc:
            _refused(request, exc)
        else:
            messages.success(request, f"已保存{decision.member.name}的处置措施。")
            return redirect("evaluations:tally", pk=campaign.pk)
    return render(
        request,
        "evaluations/disposal.html",
        {
            "campaign": campaign,
            "decision": decision,
            "form": form,
            "rules": current(),
            "history": history.changes(current_disposal) if current_disposal else [],
        },
    )


@login_required
def unqualified(request):
    """不合格党员 and their measures across the organisations the user reads (the town office's list)."""
    access = access_for(request.user)
    if not access.sees_many:
        raise PermissionDenied
    decisions = (
        Decision.objects.filter(
            access.org_q("campaign__org__"), grade=UNQUALIFIED, campaign__status=Campaign.Status.DECIDED
        )
        .select_related("member", "campaign__org", "disposal")
        .order_by("-campaign__year", "campaign__org__path")
    )
    rules = current()
    rows = [
        (d, rules.disposals[d.disposal.measure].name if hasattr(d, "disposal") else "") for d in decisions
    ]
    if request.GET.get("format") == "xlsx":
        content = xlsx.workbook_bytes(
            "不合格党员及处置情况",
            ["年度", "党支部", "姓名", "评定理由", "处置措施", "期限", "落实情况", "逾期", "上级批准日期"],
            [
                (
                    d.campaign.year,
                    d.campaign.org.name,
                    d.member.name,
                    d.reason,
                    name,
                    d.disposal.deadline if name else "",
                    d.disposal.get_follow_up_display() if name else "",
                    "逾期" if name and d.disposal.overdue else "",
                    d.disposal.approval if name else "",
                )
                for d, name in rows
            ],
            org=access.scope_name(),
        )
        return xlsx.download("不合格党员及处置情况.xlsx", content)
    return render(request, "evaluations/unqualified.html", {"rows": rows})


@login_required
def export(request, pk: int, doc: str, fmt: str):
    campaign = _campaign(request, pk)
    if doc not in documents.BUILDERS or fmt not in documents.BUILDERS[doc][1]:
        raise Http404
    if not request.user.has_perm("evaluations.view_results", campaign):
        raise PermissionDenied
    builder = documents.BUILDERS[doc][0]
    if doc == "register":
        document = builder(campaign, reads_discipline=services.reads_discipline(request.user, campaign))
    else:
        document = builder(campaign)
    response = HttpResponse(documents.WRITERS[fmt](document), content_type=documents.CONTENT_TYPES[fmt])
    return xlsx.attachment(response, document.filename(fmt))
