from django.contrib.auth import views as auth_views
from django.urls import path

from portal.accounts.forms import PortalAuthenticationForm
from portal.backoffice import views
from portal.departments import views as audit_views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            template_name="backoffice/sign_in.html",
            next_page="backoffice:home",
            authentication_form=PortalAuthenticationForm,
        ),
        name="sign_in",
    ),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("departments/<slug:code>/staff/", views.department_staff, name="department_staff"),
    path(
        "departments/<slug:code>/staff/<int:user_id>/roles/",
        views.staff_role_change,
        name="staff_role_change",
    ),
    path(
        "departments/<slug:code>/staff/<int:user_id>/activation-code/",
        views.staff_activation_issue,
        name="staff_activation_issue",
    ),
    # The audit office assigns auditors (portal/departments/access.py decides who may).
    path("audit/", audit_views.audit_assignments, name="audit_assignments"),
    path(
        "audit/<int:assignment_id>/revoke/",
        audit_views.audit_assignment_end,
        name="audit_assignment_end",
    ),
]
