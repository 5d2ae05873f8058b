"""Review report URLs: generated review texts and .docx (issue 8)."""
urlpatterns = []
