"""{% events_unread event as n %}: unread private messages of the logged-in participant."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def events_unread(context, event):
    from ..services import messaging
    from ..services.meetings import representative_for

    request = context.get("request")
    if event is None or request is None or not request.user.is_authenticated:
        return 0
    me = context.get("me")
    if me is None or me.company.event_id != event.pk:
        me = representative_for(request.user, event)
    return messaging.unread_count(me)
