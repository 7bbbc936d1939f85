"""The licensing case: the application, its deadlines, supplement notices, inspection, comments and audit trail."""
