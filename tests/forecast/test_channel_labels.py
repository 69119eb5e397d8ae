"""Channel labels as help desks and contact centres write them: aliases become channels and
say so; labels no channel goes by are flagged, not silently made into queues."""

from __future__ import annotations

from forecast import parse_history

ZENDESK_TICKETS = """Id,Created at,Channel,Handle time
101,2026-11-30 09:05,Phone call (inbound),240
102,2026-11-30 09:12,Web form,600
103,2026-11-30 09:40,Chat,300
104,2026-11-30 10:02,Twiter,120
105,2026-11-30 10:10,Phone call (inbound),180
"""
FRESHDESK_TICKETS = """Id,Created at,Channel
1,2026-11-30 09:01,Portal
2,2026-11-30 09:20,Feedback Widget
3,2026-11-30 09:31,Phone
4,2026-11-30 10:45,Email
"""
AMAZON_CONNECT = (
    "QueueName,ChannelType,TimeStamp,IncomingContactVolume,ContactsHandled,AverageHandleTime,"
    "IntervalDuration\n"
    """BasicQueue,VOICE,2026-11-30T09:00:00Z,12,12,250,30mins
BasicQueue,CHAT,2026-11-30T09:00:00Z,4,4,400,30mins
BasicQueue,VOICE,2026-11-30T09:30:00Z,9,9,230,30mins
BasicQueue,CHAT,2026-11-30T09:30:00Z,3,3,380,30mins
"""
)


def test_zendesk_labels_become_voice_email_and_chat_and_say_so() -> None:
    history = parse_history(ZENDESK_TICKETS, timezone="America/New_York", interval_minutes=30)
    assert history.summary.channels == ("chat", "email", "twiter", "voice")
    notes = " ".join(history.summary.warnings)
    assert "'Phone call (inbound)' -> voice" in notes
    assert "'Web form' -> email" in notes
    assert "'Chat' -> chat" not in notes  # the same name is not a mapping


def test_a_label_no_channel_goes_by_is_flagged_not_silently_a_queue() -> None:
    history = parse_history(ZENDESK_TICKETS, timezone="America/New_York", interval_minutes=30)
    flagged = [w for w in history.summary.warnings if "'twiter'" in w]
    assert flagged, history.summary.warnings
    assert "not voice, chat or email" in flagged[0]


def test_freshdesk_sources_portal_and_feedback_widget_are_email() -> None:
    history = parse_history(FRESHDESK_TICKETS, timezone="Europe/Berlin", interval_minutes=60)
    assert history.summary.channels == ("email", "voice")
    notes = " ".join(history.summary.warnings)
    assert "'Portal' -> email" in notes
    assert "'Feedback Widget' -> email" in notes
    assert "kept as queues" not in notes


def test_amazon_connect_upper_case_channel_types_need_no_note() -> None:
    history = parse_history(AMAZON_CONNECT, timezone="UTC")
    assert history.summary.channels == ("chat", "voice")
    assert not [w for w in history.summary.warnings if "channel label" in w]
