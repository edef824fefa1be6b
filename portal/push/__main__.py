"""python3 -m portal.push: print a new key for VAPID_PRIVATE_KEY (once, for production)."""

from portal.config import new_vapid_private_key

print(new_vapid_private_key())
