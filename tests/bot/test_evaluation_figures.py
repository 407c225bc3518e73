"""make eval's parse-time figure: rounds pooled, each round's median kept so a burst of
slowness on the machine shows as a round, not as the figure."""

from bot.evaluation import parse_figures


def test_parse_figures_pool_the_rounds_and_keep_each_rounds_median():
    figures = parse_figures([[10.0, 11.0, 12.0], [30.0, 31.0, 32.0], [11.0, 12.0, 13.0]])
    assert figures == {"parse_ms_150_words": 12.0, "parse_ms_round_medians": [11.0, 31.0, 12.0]}
