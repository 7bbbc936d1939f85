"""The licensing case: the application, deadlines, supplement notices, inspection, comments, audit."""
