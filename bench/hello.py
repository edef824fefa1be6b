"""A one-route Flask app: the baseline Bro's pages are compared with (see bench/run.sh)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "Hello, World!"
