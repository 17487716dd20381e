from django.db import models


class PeriodicRun(models.Model):
    """Last run of each periodic job, so `runperiodic` knows what is due."""

    name = models.CharField(max_length=100, unique=True)
    last_started = models.DateTimeField(null=True, blank=True)
    last_finished = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=20, blank=True)
    last_message = models.TextField(blank=True)

    def __str__(self):
        return self.name
