from django import template

from smartregion.core.forms import widget_kind as _widget_kind

register = template.Library()


@register.filter
def widget_kind(bound_field) -> str:
    return _widget_kind(bound_field.field.widget)
