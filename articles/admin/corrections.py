"""Confirmation pages for correction tools: each shows what will happen and asks for a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from articles.admin.forms import SplitForm
from articles.editing import CorrectionError
from articles.editing.articles import split_article
from articles.models import Article

CONFIRM = "confirm"  # the button that carries out an action from its confirmation page


def action_form(request, form_class, **kwargs):
    """The action's form: bound once the editor confirmed, unbound on the first visit from the changelist."""
    if request.POST.get(CONFIRM):
        return form_class(request.POST, **kwargs)
    return form_class(**kwargs)


def render_confirmation(modeladmin, request, queryset, template: str, title: str, form, **context):
    """Re-post the selection and the action name, as Django's own delete confirmation does."""
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.model._meta,
            "title": title,
            "objects": queryset,
            "form": form,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "selected": [str(pk) for pk in queryset.values_list("pk", flat=True)],
            "confirm_name": CONFIRM,
            **context,
        },
    )


def split_view(modeladmin, request, pk):
    article = get_object_or_404(Article.objects.select_related("page__issue"), pk=pk)
    if not (modeladmin.has_change_permission(request, article) and request.user.has_perm("articles.add_article")):
        raise PermissionDenied
    paragraphs = article.paragraphs
    form = SplitForm(request.POST or None, paragraphs=paragraphs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            second = split_article(article, data["paragraph"], request.user, data["reason"], headline=data["headline"])
        except CorrectionError as exc:
            form.add_error(None, str(exc))
        else:
            modeladmin.message_user(
                request, f"已拆分:第{data['paragraph'] + 1}段起成为新文章《{second.display_title}》,署名和区县已复制,请核对。", messages.SUCCESS
            )
            return redirect("admin:articles_article_change", second.pk)
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "original": article,
        "article": article,
        "form": form,
        "paragraph_count": len(paragraphs),
        "title": f"拆分文章:{article.display_title}",
    }
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "admin/articles/article/split.html", context, status=status)
