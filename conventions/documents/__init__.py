"""Documents made from a convention: the convention itself (draft, frozen, signed-ready),
draft deliberations, amendments, follow-up reports and reviews.

- typography: French typography and the plain-text prose of article bodies to HTML;
- convention: what the convention document says, from the frozen content or live data;
- pdf: HTML to PDF with WeasyPrint, and where each signature box landed;
- signing: empty signature fields (pyHanko) and checks of a returned signed PDF;
- service: which document to (re)use or render, enqueued on commit, rendered by the task.
"""
