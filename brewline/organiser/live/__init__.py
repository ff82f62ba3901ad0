"""The live page of an event joined by phone (brewline/live/): who is in, hands raised,
and the organiser's buttons."""
