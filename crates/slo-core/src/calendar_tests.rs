use super::*;
use crate::window::parse_utc;
use proptest::prelude::*;

const H: u64 = 3600;

fn at(text: &str) -> u64 {
    parse_utc(text).unwrap()
}

fn named(name: &str) -> Zone {
    Zone::named(name).unwrap()
}

fn month_in(zone: &str) -> Calendar {
    Calendar::new(CalendarUnit::Month, named(zone), None)
}

/// The period containing `now`, as UTC texts, and its length in hours.
fn period(calendar: &Calendar, now: &str) -> (String, String, u64) {
    let (start, end) = calendar.bounds_at(at(now));
    (format_utc(start), format_utc(end), (end - start) / H)
}

#[test]
fn berlin_months_with_a_clock_change_are_743_and_745_hours() {
    let berlin = month_in("Europe/Berlin");
    // March 2024: from 00:00 CET on the 1st (23:00 UTC the day before) to 00:00 CEST on
    // April 1 (22:00 UTC): 31 days less the hour skipped on the 31st.
    assert_eq!(
        period(&berlin, "2024-03-15T12:00Z"),
        (
            "2024-02-29T23:00:00Z".into(),
            "2024-03-31T22:00:00Z".into(),
            743
        )
    );
    // October 2024: 31 days and the hour repeated on the 27th.
    assert_eq!(
        period(&berlin, "2024-10-15T12:00Z"),
        (
            "2024-09-30T22:00:00Z".into(),
            "2024-10-31T23:00:00Z".into(),
            745
        )
    );
    assert_eq!(period(&berlin, "2024-02-10T00:00Z").2, 29 * 24);
    // The same instant is in a different month in Berlin than in UTC.
    assert_eq!(
        period(&berlin, "2024-03-31T22:30Z").0,
        "2024-03-31T22:00:00Z"
    );
}

#[test]
fn a_zone_without_daylight_time_shifts_every_boundary_alike() {
    // India is UTC+5:30 all year: months start at 18:30 UTC the day before, and are whole days.
    let kolkata = month_in("Asia/Kolkata");
    for (now, hours) in [
        ("2024-03-15T00:00Z", 31 * 24),
        ("2024-10-15T00:00Z", 31 * 24),
        ("2024-04-02T00:00Z", 30 * 24),
    ] {
        let (start, _, length) = period(&kolkata, now);
        assert!(start.ends_with("T18:30:00Z"), "{start}");
        assert_eq!(length, hours, "{now}");
    }
}

#[test]
fn a_southern_zone_loses_its_hour_in_october_and_gains_it_in_april() {
    let sydney = month_in("Australia/Sydney");
    // Daylight time starts 2024-10-06 and ends 2024-04-07.
    assert_eq!(period(&sydney, "2024-10-15T00:00Z").2, 743);
    assert_eq!(period(&sydney, "2024-04-15T00:00Z").2, 30 * 24 + 1);
    assert_eq!(period(&sydney, "2024-07-15T00:00Z").2, 31 * 24);
    // January starts at 00:00 AEDT (UTC+11): 13:00 UTC on December 31.
    assert_eq!(
        period(&sydney, "2024-01-10T00:00Z").0,
        "2023-12-31T13:00:00Z"
    );
}

#[test]
fn a_start_on_the_15th_makes_months_run_15th_to_15th() {
    let start = parse_start("2024-01-15T00:00:00").unwrap();
    let calendar = Calendar::new(CalendarUnit::Month, Zone::utc(), Some(start));
    assert_eq!(
        period(&calendar, "2024-03-01T00:00Z"),
        (
            "2024-02-15T00:00:00Z".into(),
            "2024-03-15T00:00:00Z".into(),
            29 * 24
        )
    );
    // Periods before the start follow the same rule.
    assert_eq!(
        period(&calendar, "2023-12-20T00:00Z").0,
        "2023-12-15T00:00:00Z"
    );
    assert_eq!(
        calendar.start_text().as_deref(),
        Some("2024-01-15T00:00:00")
    );
}

#[test]
fn a_month_from_the_31st_ends_on_shorter_months_last_day() {
    // Each boundary is counted from the start, not from the previous boundary, so a short
    // month does not pull the later ones back to the 29th.
    let start = parse_start("2024-01-31T00:00:00").unwrap();
    let calendar = Calendar::new(CalendarUnit::Month, Zone::utc(), Some(start));
    let mut now = at("2024-01-31T00:00Z");
    let mut starts = Vec::new();
    for _ in 0..5 {
        let (start, end) = calendar.bounds_at(now);
        starts.push(format_utc(start)[..10].to_string());
        now = end;
    }
    assert_eq!(
        starts,
        [
            "2024-01-31",
            "2024-02-29",
            "2024-03-31",
            "2024-04-30",
            "2024-05-31"
        ]
    );
}

#[test]
fn weeks_and_quarters_count_from_their_start_too() {
    // 2024-01-17 is a Wednesday.
    let wednesday = parse_start("2024-01-17 09:00:00").unwrap();
    let weeks = Calendar::new(CalendarUnit::Week, Zone::utc(), Some(wednesday));
    assert_eq!(
        period(&weeks, "2024-03-04T00:00Z"),
        (
            "2024-02-28T09:00:00Z".into(),
            "2024-03-06T09:00:00Z".into(),
            7 * 24
        )
    );
    let february_15 = parse_start("2024-02-15T00:00:00").unwrap();
    let quarters = Calendar::new(CalendarUnit::Quarter, Zone::utc(), Some(february_15));
    assert_eq!(
        period(&quarters, "2024-06-01T00:00Z").0[..10],
        *"2024-05-15"
    );
}

#[test]
fn a_start_that_begins_a_period_anyway_is_no_start() {
    let utc = Zone::utc();
    for (unit, text) in [
        (CalendarUnit::Month, "2026-05-01T00:00:00"),
        (CalendarUnit::Quarter, "2026-04-01T00:00:00"),
        (CalendarUnit::Week, "2026-11-23T00:00:00"),
    ] {
        let start = parse_start(text).unwrap();
        assert_eq!(
            Calendar::new(unit, utc.clone(), Some(start)),
            Calendar::utc(unit),
            "{text}"
        );
    }
    for (unit, text) in [
        (CalendarUnit::Quarter, "2026-05-01T00:00:00"),
        (CalendarUnit::Week, "2026-11-24T00:00:00"),
        (CalendarUnit::Month, "2026-05-01T12:30:00"),
    ] {
        let start = parse_start(text).unwrap();
        assert!(
            Calendar::new(unit, utc.clone(), Some(start))
                .start_text()
                .is_some(),
            "{text}"
        );
    }
}

#[test]
fn starts_are_read_on_the_zone_s_clock() {
    let berlin = named("Europe/Berlin");
    let local = |text| format_local(parse_start_time(text, &berlin).unwrap());
    assert_eq!(local("2024-01-15T00:00:00"), "2024-01-15T00:00:00");
    assert_eq!(local("2024-01-15 00:00:00"), "2024-01-15T00:00:00");
    // OpenSLO's startTime with Z: the UTC instant, read on Berlin's clock. The spec's
    // start is always on the zone's clock.
    assert_eq!(local("2024-01-15T00:00:00Z"), "2024-01-15T01:00:00");
    assert!(parse_start("2024-01-15T00:00:00Z").is_err());
    for wrong in [
        "2024-02-30T00:00:00",
        "15/01/2024",
        "1705276800",
        "2024-01-15T25:00",
    ] {
        let message = parse_start(wrong).unwrap_err();
        assert!(message.contains(START_ALLOWED), "{message}");
        assert!(parse_start_time(wrong, &berlin).is_err());
    }
}

#[test]
fn periods_are_named_with_their_zone_and_start() {
    assert_eq!(
        Calendar::utc(CalendarUnit::Month).describe_periods("month"),
        "calendar months (UTC)"
    );
    let start = parse_start("2024-01-15T00:00:00").unwrap();
    let calendar = Calendar::new(CalendarUnit::Month, named("Europe/Berlin"), Some(start));
    assert_eq!(
        calendar.describe_periods("month"),
        "calendar months from 2024-01-15T00:00:00 (Europe/Berlin)"
    );
    assert_eq!(calendar.max_seconds(), 31 * DAY + H);
}

const ZONES: [&str; 6] = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Santiago",
];

fn any_calendar() -> impl Strategy<Value = Calendar> {
    let unit = prop_oneof![
        Just(CalendarUnit::Week),
        Just(CalendarUnit::Month),
        Just(CalendarUnit::Quarter)
    ];
    let start = prop::option::of(0i64..2_000_000_000);
    (unit, 0..ZONES.len(), start)
        .prop_map(|(unit, zone, start)| Calendar::new(unit, named(ZONES[zone]), start))
}

proptest! {
    #[test]
    fn periods_tile_time_and_last_as_long_as_their_unit(
        calendar in any_calendar(),
        now in 100_000_000u64..4_000_000_000,
    ) {
        let (start, end) = calendar.bounds_at(now);
        prop_assert!(start <= now && now < end);
        // The next period starts where this one ends, and any instant of this one gives it.
        prop_assert_eq!(calendar.bounds_at(end).0, end);
        prop_assert_eq!(calendar.bounds_at(start), (start, end));
        prop_assert_eq!(calendar.bounds_at(end - 1), (start, end));
        let shortest = match calendar.unit {
            CalendarUnit::Week => 7 * DAY,
            CalendarUnit::Month => 28 * DAY,
            CalendarUnit::Quarter => 89 * DAY,
        };
        let shift = calendar.zone.daylight_shift();
        prop_assert!(end - start + shift >= shortest, "{} s", end - start);
        prop_assert!(end - start <= calendar.max_seconds(), "{} s", end - start);
    }

    #[test]
    fn periods_start_at_the_start_s_time_of_day_on_the_zone_s_clock(
        calendar in any_calendar(),
        now in 100_000_000u64..4_000_000_000,
    ) {
        let (start, _) = calendar.bounds_at(now);
        let start = start as i64;
        let local = start + calendar.zone.offset_at(start);
        let wanted = calendar.anchor().rem_euclid(DAY as i64);
        // Unless the clocks skipped that time that day: then the skip is the start.
        let skipped = calendar.zone.offset_at(start - 1) < calendar.zone.offset_at(start);
        prop_assert!(local.rem_euclid(DAY as i64) == wanted || skipped);
    }
}
