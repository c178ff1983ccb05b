"""Email delivery: one message per partner, sent exactly once, with an honest ledger.

The order `distribute.deliver` (what `sitrep send` runs once `sitrep.report.send` has built the
report) follows, with names from `distribute`, `model`, `recipients` and `send`:

    settings = email_settings(config)  # config.email, as load_config checked it
    partners = select_recipients(partners_from_records(rows), lists)
    with make_transport(settings, os.environ.get("SITREP_SMTP_PASSWORD"), outbox) as transport:
        summary = send_report(report, partners, settings=settings, transport=transport,
                              ledger_path=ledger, now=now, progress=show)
"""
