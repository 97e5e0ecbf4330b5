# gunicorn reads this file from its working directory (the image's /app, or the checkout).
# The access log masks the secrets in URLs (calendar feeds, invitations, password resets).
logger_class = "secretary.access_log.AccessLogger"
