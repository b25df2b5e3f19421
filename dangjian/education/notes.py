"""学习心得体会: written or uploaded by the member (the meetings upload check), commented by the secretary."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from dangjian.meetings import policy as upload_policy
from dangjian.meetings.services import UploadRefused, check_upload

from .models import StudyNote

RECORD_KIND = "study_notes"


@transaction.atomic
def write_note(member, title: str, body: str, upload=None) -> StudyNote:
    """Save a member's note; UploadRefused (nothing saved) when the attached file fails the upload check."""
    note = StudyNote(member=member, title=title, body=body)
    if upload is not None:
        if upload.size > upload_policy.UPLOAD_MAX_BYTES:
            raise UploadRefused(
                f"文件超过 {upload_policy.UPLOAD_MAX_BYTES // (1024 * 1024)} MB，请压缩后再上传。"
            )
        content, extension, mime = check_upload(upload.read(), RECORD_KIND)
        note.original_name = upload.name[:200]
        note.content_type = mime
        note.file.save(f"{RECORD_KIND}.{extension}", ContentFile(content), save=False)
    note.full_clean()
    note.save()
    return note


def comment_note(note: StudyNote, text: str, user) -> StudyNote:
    note.comment, note.commented_by, note.commented_at = text, user, timezone.now()
    note.save(update_fields=["comment", "commented_by", "commented_at"])
    return note
