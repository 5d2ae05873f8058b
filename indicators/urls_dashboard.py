"""Dashboard URLs: indicator pages, map, reports, CSV/xlsx downloads (issue 5)."""
urlpatterns = []
