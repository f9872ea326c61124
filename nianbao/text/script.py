"""Traditional-script text read like simplified: a one-to-one character table.

Copies of reports from Hong Kong, Macao or Taiwan sites, or OCR with the wrong language model,
write 低保對象236萬人 or 臨時救助. `simplified` maps the traditional characters that occur in
social-assistance writing to their simplified forms one character for one, so a span found in
the simplified text is a span of the original. Characters outside the table are kept.
"""

from __future__ import annotations

_PAIRS = (
    "萬万億亿戶户餘余約约與与對对資资臨临時时發发給给補补貼贴標标準准農农鎮镇區区縣县"
    "鄉乡員员實实際际總总計计數数據据條条係系幣币歲岁較较額额兒儿貧贫難难困困養养護护"
    "領领導导們们這这個个為为於于從从來来後后應应當当會会議议對对認认證证請请調调查查"
    "報报況况點点見见關关於于區区戰战機机構构設设經经濟济產产業业務务單单位位們们傳传"
    "統统選选舉举辦办審审核核規规範范體体顧顾問问題题處处理理歷历災灾殘残疾疾醫医療疗"
    "險险務务層层級级縣县鎮镇街街鄉乡莊庄園园優优惠惠質质價价錢钱銀银費费撥拨帳账賬账"
    "齡龄長长壯壮屬属親亲愛爱學学習习勞劳動动結结構构節节點点環环節节維维權权優优"
    "邊边緣缘剛剛剛刚支支遺遗孤孤獨独無无撫抚孫孙殯殡葬葬災灾礙碍專专項项盡尽兩两並并"
    "與与務务幫帮扶扶測测監监預预警警線线動动態态準准確确實实覆覆蓋盖"
    "進进達达過过還还運运這这遠远選选適适連连續续紹绍紀纪約约綫线網网絡络紅红"
    "開开門门間间問问聞闻閱阅闆板陳陈陸陆陽阳隊队際际險险隨随"
    "東东車车軍军輕轻載载輔辅轉转辦办農农電电雲云靈灵風风飛飞"
    "書书買买賣卖貸贷賽赛費费貨货販贩財财責责質质賠赔購购"
    "據据擔担擬拟換换損损揮挥擴扩據据"
    "該该說说讀读課课記记詢询試试話话語语誤误認认識识議议譯译讓让"
    "歡欢現现狀状獎奖將将衛卫築筑簡简籌筹類类絕绝終终組组織织紙纸級级給给統统績绩繳缴"
    "夠够寶宝實实審审寫写導导屆届層层歸归態态憑凭懷怀戲戏戶户"
    "滿满溫温準准減减測测濟济災灾爭争產产畫画異异療疗瘋疯發发盡尽監监盤盘"
    "眾众礎础禮礼稅税積积窮穷競竞筆笔範范糧粮緊紧總总績绩縮缩"
    "聯联聽听腦脑與与舊旧藥药處处衝冲補补裝装複复覽览親亲觀观"
    "計计訂订訊讯設设診诊評评詳详誌志認认諮咨謝谢證证護护讀读變变"
    "負负貢贡貫贯賴赖趨趋跡迹蹤踪輪轮辭辞遞递鄰邻醫医釋释針针銷销鋪铺錄录鏈链鐵铁門门"
    "陣阵陰阴雙双雜杂難难頁页頂顶項项順顺須须預预領领頻频題题額额願愿類类顯显"
    "飯饭養养驗验體体鬥斗麼么齊齐齒齿龍龙"
)
TABLE = {ord(_PAIRS[i]): _PAIRS[i + 1] for i in range(0, len(_PAIRS) - 1, 2)
          if _PAIRS[i] != _PAIRS[i + 1]}


def simplified(text: str) -> str:
    """`text` with the traditional characters of the table in simplified form; same length."""
    return text.translate(TABLE)


def traditional_share(text: str) -> float:
    """The share of the Han characters of `text` that the table reads as traditional."""
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return sum(1 for c in han if ord(c) in TABLE) / len(han) if han else 0.0
