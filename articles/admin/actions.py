"""Admin actions that refuse forged selections politely instead of failing."""

from django.contrib import messages
from django.contrib.admin import helpers


class ValidSelectionMixin:
    """Django filters the queryset with the posted ids as they come, so a non-numeric id is a 500.

    A browser only ever sends the checkbox values; anything else is answered with a message.
    """

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if any(not value.isascii() or not value.isdigit() for value in selected):
            self.message_user(request, "所选条目无效,请重新勾选。", messages.WARNING)
            return None
        return super().response_action(request, queryset)
