from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class EmailLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("Used once to send the link, then forgotten."),
    )


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email address"))
    phone = forms.CharField(label=_("Your phone number"), max_length=64, required=False)
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    consent = forms.BooleanField(required=True)

    def __init__(self, *args, consent_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_label
        self.fields["consent"].error_messages["required"] = _("Please tick this box to send your request.")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Please give your name."))
        return name


class NotifyForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"))
    consent = forms.BooleanField(
        required=True,
        label=_(
            "I agree that this site keeps my email address to tell me about new trials that may suit "
            "my answers, until I unsubscribe or my answers are deleted."
        ),
        error_messages={"required": _("Please tick this box to be told about new trials.")},
    )
