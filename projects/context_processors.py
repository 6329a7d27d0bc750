"""Template context of the projects app: the header's portfolio switcher."""


def portfolio_switcher(request):
    """Expose the request's portfolio choice, only on pages that resolved one.

    Pages scoped to a portfolio call `projects.portfolios.portfolio_for_request` before they
    render; other pages (a proposal's detail, accounts…) cost no query and show no switcher.
    """
    return {"portfolio_choice": getattr(request, "_portfolio_choice", None)}
