"""Text that does not belong in an official document: spam injected into a copied page, or a
file that is not a report at all."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nianbao.checks.registry import CheckContext, Hit, Rule, rule
from nianbao.checks.text import texts, window
from nianbao.text.script import simplified

# Words that only spam uses: online casinos, lottery-betting sites, adult sites and their
# come-ons. Each is specific enough that one is a finding; words official text uses too (赌博,
# 色情 in 打击赌博/扫黄打非, 彩票公益金, 棋牌室, 娱乐活动) are not here.
_SPAM = re.compile(
    r"百家乐|老虎机|娱乐城|真人(?:视讯|娱乐|荷官)|美女荷官|在线(?:发牌|赌场|博彩)|网上赌场|博彩(?:网|平台|公司|官网)"
    r"|(?:澳门|线上|网上|网络)(?:赌场|博彩|威尼斯人|葡京)|威尼斯人(?:娱乐|官网|平台)|新葡京|太阳城(?:集团|娱乐|官网)"
    r"|六合彩|时时彩|北京赛车|幸运飞艇|PK10|pk10|(?:体育|足球|赛事)(?:投注|下注)|投注(?:网|平台|官网)"
    r"|(?:开户|注册|首存|首充)(?:即送|就送|送彩金|送\d+)|下注(?:平台|网站)|外围(?:盘|投注)"
    r"|皇冠(?:体育|现金网|娱乐)|亚博(?:体育|娱乐)?(?:官网|平台)|开云(?:体育|官网)|棋牌(?:游戏)?(?:平台|官网|下载|app)"
    r"|成人(?:网站|视频|影院|电影|用品网)|色情(?:网站|视频|直播)|黄色(?:网站|视频|电影)|裸聊|约炮|一夜情|援交"
    r"|无码(?:视频|影片|高清)|av(?:女优|在线|电影)|AV(?:女优|在线|电影)|激情(?:视频|图片|小说|电影)|自拍偷拍|偷拍视频"
    r"|福利(?:视频|姬)|午夜(?:影院|福利)|催情(?:药|水)",
)
# An official sentence may name such things to fight them (严厉打击网络赌场、色情网站).
_FIGHT = re.compile(r"打击|整治|查处|取缔|严禁|禁止|举报|治理|防范|警惕|抵制|专项行动|违法|犯罪")
# Contact bait around such words: a site address or an instant-messaging id.
_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9./-]+|[A-Za-z0-9-]+\.(?:com|net|vip|cc|me|top|xyz)\b")


@rule("text.injected-content", "warning",
      title=("夹入无关的垃圾内容", "spam injected into the text"),
      message=("文中夹有与公文无关的内容“{words}”，可能是被篡改或从受污染网页复制的文本",
               ("the text carries words that do not belong in an official document ({words}); "
               "the copy may be tampered with or taken from an infected web page")))
def injected_content(ctx: CheckContext) -> Iterator[Hit]:
    """Hacked government and news sites carry gambling and adult-site words inside official
    sentences and table headers; a report copied from such a page and filed as is publishes
    them again. One finding per block, with the words found."""
    seen: set[str] = set()
    for pointer, line, prov in texts(ctx):
        if pointer in seen:
            continue
        plain = simplified(line)
        found = [m for m in _SPAM.finditer(plain)
                 if not _FIGHT.search(plain, max(0, m.start() - 12), m.end() + 6)]
        if not found:
            continue
        words = [m.group(0) for m in found] + [m.group(0) for m in _URL.finditer(line)]
        seen.add(pointer)
        end = min(found[-1].end(), found[0].start() + 75)
        yield Hit({"words": "、".join(dict.fromkeys(words))[:60]}, pointer,
                  window(line, found[0].start(), end, 15, 10), prov)


# What a work summary, a news item on the work or any report of 社会救助 talks about.
_REPORT_WORDS = re.compile(r"工作|总结|情况|报告|汇报|开展|落实|推进|救助|保障|民政|低保|特困|困难|"
                           r"服务|单位|年度|统计|通知|方案|会议|群众|资金")
_FEW_HAN = 20


@rule("report.kind-unrecognised", "warning", kinds=("work_summary",),
      title=("看不出是哪类材料", "not recognisably a report"),
      message=("这份文件只有{chinese_characters}个汉字，不像年度报告书、工作总结、统计报表或通知，"
               "已按工作总结检查；请确认是否选错了文件",
               "the file holds only {chinese_characters} Chinese characters and does not read "
               "like an annual report, a work summary, a statistics report or a notice; it was "
               "checked as a work summary: is it the right file?"),
      cases={"off-topic": ("这份文件没有一处谈到工作、情况或救助，不像年度报告书、工作总结、统计报表或"
                           "通知，已按工作总结检查；请确认是否选错了文件",
                           "nothing in the file is about work, results or assistance: it does "
                           "not read like an annual report, a work summary, a statistics report "
                           "or a notice; it was checked as a work summary: is it the right file?")})
def kind_unrecognised(ctx: CheckContext) -> Iterator[Hit]:
    """A document that is none of the kinds nianbao knows is checked as a work summary, the
    most open kind; if it also holds almost no Chinese text, or none of the words every report
    on the work uses, it is probably the wrong file (a note, a page of something else), and
    "no findings" must not read as "a clean report"."""
    text = "\n".join(t for _, t, _ in texts(ctx))
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    if han < _FEW_HAN:
        yield Hit({"chinese_characters": han}, "/source", text[:60])
    elif not _REPORT_WORDS.search(text):
        yield Hit({"chinese_characters": han}, "/source", text[:60], case="off-topic")

RULES: tuple[Rule, ...] = (injected_content, kind_unrecognised)
