from django.urls import path

from icpdesk.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("settings/", views.preferences, name="preferences"),
    path("settings/feed/reset/", views.reset_feed, name="reset_feed"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical"),
]
