"""Data entry, approval, completeness, upload and export URLs (issue 4)."""
urlpatterns = []
