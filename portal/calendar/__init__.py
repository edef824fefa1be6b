"""My calendar: everything a person does in one list and one feed their phone subscribes to —
the sessions they take part in or run, their meetings, their work-practice days.

The calendar owns only the feed's secret address. It reads the features it shows through
their services (activities, meetings, employment), which sit below it: none of them imports
the calendar, and each renders its own iCalendar event."""
