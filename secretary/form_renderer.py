from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Forms render through the design system: label, input, help, errors next to the field."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
