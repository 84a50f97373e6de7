# Read by gunicorn from the directory it starts in (the repository, /app in the image): every
# gunicorn run logs through the redacting logger, whatever its command line says.
logger_class = "config.redact.GunicornLogger"
