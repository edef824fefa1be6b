"""The service worker in Chromium: My calendar opened once is there without a network, with
"You are offline — as of <time>", while pages never opened (and every other page) are not;
logging out empties it (Clear-Site-Data); a push message delivered through the DevTools
protocol shows the notice with its title, text and page."""

import json
from datetime import time, timedelta

import pytest
from playwright.sync_api import Error as PlaywrightError

from portal import work
from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Kind
from portal.extensions import utcnow
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:.*base_url.*")]

KEPT = ("() => caches.open('bro-pages-1').then(c => c.keys())"
        ".then(keys => keys.map(k => new URL(k.url).pathname))")


def a_circle_for(person, site, make_user):
    leader = make_user(Role.VOLUNTEER)
    circle = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk A1", capacity=5))
    activities.add_series(leader, circle, activities.plan_series(
        site, utcnow().date() + timedelta(days=3), time(18), 90, 1, count=1), True)
    activities.enrol(person, circle.id)
    work.commit()


def worker_ready(page) -> None:
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")


def test_my_calendar_is_there_offline_and_gone_after_logging_out(open_tab, site, make_user):
    person = make_user(name="Amina")
    a_circle_for(person, site, make_user)
    tab = open_tab()
    log_in(tab, person)
    page = tab.page
    worker_ready(page)
    tab.visit("/activities/calendar")
    assert page.locator("[data-offline-note]").is_hidden()  # online: no note
    page.wait_for_function(KEPT.replace("=> keys.map", "=> keys.length && keys.map"))
    assert page.evaluate(KEPT) == ["/activities/calendar"]

    page.context.set_offline(True)
    page.goto("/activities/calendar")
    assert page.get_by_text("Norsk A1").first.is_visible()
    note = page.locator("[data-offline-note]")
    assert note.is_visible() and note.inner_text().startswith("You are offline — as of ")
    assert page.locator("link[rel=stylesheet]").count() == 1
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"  # the CSS came too
    for never_kept in ("/goals", "/notify", "/"):
        with pytest.raises(PlaywrightError):
            page.goto(never_kept)
    tab.problems.clear()  # the failed loads above are the point

    page.context.set_offline(False)
    tab.visit("/")
    page.locator(".site-menu summary").click()
    page.locator("form[action='/accounts/logout'] button").first.click()
    page.wait_for_url(lambda url: url.endswith("/"))
    # Clear-Site-Data empties every cache; the worker may at once keep the logged-out page's
    # static files again (not personal), but never the pages of the person.
    page.wait_for_function("() => caches.has('bro-pages-1').then(kept => !kept)")
    assert page.evaluate("() => caches.keys()") in ([], ["bro-static-1"])
    tab.check("logged out")


def test_a_push_message_shows_the_notice_and_its_page(open_tab, live_server, make_user):
    tab = open_tab()
    page = tab.page
    page.context.grant_permissions(["notifications"], origin=live_server)
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    tab.visit("/privacy")
    worker_ready(page)
    page.wait_for_function("() => true")
    assert registrations, "the service worker registered"
    notice = {"title": "Avlyst: Norsk A1", "body": "Økta er avlyst.", "url": "/activities/42"}
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live_server, "registrationId": registrations[-1]["registrationId"],
        "data": json.dumps(notice)})
    shown = []
    for _ in range(50):  # the push handler runs in the worker, a moment later
        shown = page.evaluate("""() => navigator.serviceWorker.ready
            .then(r => r.getNotifications())
            .then(list => list.map(n => [n.title, n.body, n.data.url]))""")
        if shown:
            break
        page.wait_for_timeout(100)
    assert shown == [[notice["title"], notice["body"], notice["url"]]]
    tab.check("push delivered")


def test_tapping_a_notice_opens_its_page_of_bro_and_never_another_site(open_tab, live_server):
    """The notificationclick handler, run in the service worker on a notice it showed. A page
    may be opened only from a real tap, so the test stands in for the browser's window list
    and keeps the addresses the handler asks to open."""
    tab = open_tab()
    page = tab.page
    page.context.grant_permissions(["notifications"], origin=live_server)
    tab.visit("/privacy")
    worker_ready(page)
    [worker] = page.context.service_workers
    opened = worker.evaluate("""async () => {
        const opened = [];
        Clients.prototype.openWindow = url => { opened.push(url); return Promise.resolve(null); };
        Clients.prototype.matchAll = () => Promise.resolve([]);
        for (const url of ["/activities/42", "https://evil.example/x"]) {
            await self.registration.showNotification("Bro", {data: {url}});
            const [notice] = await self.registration.getNotifications();
            const tap = new NotificationEvent("notificationclick", {notification: notice});
            let waited = null;
            tap.waitUntil = promise => { waited = promise; };
            self.dispatchEvent(tap);
            await waited;
        }
        return {opened, left: (await self.registration.getNotifications()).length};
    }""")
    origin = page.evaluate("location.origin")
    assert opened == {"opened": [f"{origin}/activities/42", f"{origin}/"], "left": 0}
    tab.check("notice tapped")
