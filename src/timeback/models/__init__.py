"""Timeback's OneRoster models.

- ``timeback.models.request``: one request model per operation, and the bodies they carry.
- ``timeback.models.response``: ``sourcedIdPairs`` answers and single-record envelopes.
- ``timeback.models.gradebook`` / ``timeback.models.rostering``: the records themselves.
- ``timeback.models.timeback_sourced_id_ref`` and friends: references to other records.
"""
