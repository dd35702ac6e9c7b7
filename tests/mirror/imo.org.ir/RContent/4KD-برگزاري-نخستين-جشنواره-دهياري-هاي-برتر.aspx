<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html dir="rtl">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>سازمان شهرداري‌ها و دهياري‌هاي کشور - برگزاري نخستين جشنواره دهياري‌هاي برتر کشور</title>
<link href="/Portal/Themes/Old/style.css" rel="stylesheet" type="text/css">
</head>
<body topmargin="0" leftmargin="0">
<form name="aspnetForm" method="post" action="4KD-برگزاري-نخستين-جشنواره-دهياري-هاي-برتر.aspx" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwULLTE2NjM3MzI4OTBkZA==" />
<table width="980" align="center" cellpadding="0" cellspacing="0" border="0">
<tr><td colspan="3" class="HeaderCell"><img src="/Portal/Themes/Old/banner.jpg" alt="سازمان شهرداري‌ها و دهياري‌هاي کشور">
  <div class="HeaderDate">دوشنبه 2 آذر 1405 - 12 جمادي الثاني 1448</div></td></tr>
<tr><td colspan="3" class="MenuCell"><a href="/">صفحه اصلي</a> | <a href="/NewsArchive.aspx">اخبار</a> | <a href="/RContent/2B-درباره-سازمان.aspx">درباره سازمان</a> | <a href="/Search.aspx">جستجو</a></td></tr>
<tr>
<td width="180" valign="top" class="RightCell">
  <table width="100%"><tr><td class="BoxHeader">آخرين اخبار</td></tr>
  <tr><td><a href="/RContent/4KA-جلسه-شوراي-عالي-استان-ها.aspx">جلسه شوراي عالي استان‌ها</a><br><span id="ctl00_ucLast_rpt_ctl00_lblDate">1389/05/10</span></td></tr>
  <tr><td><a href="/RContent/4K9-آموزش-دهياران.aspx">آغاز آموزش دهياران استان فارس</a><br><span id="ctl00_ucLast_rpt_ctl01_lblDate">1389/05/09</span></td></tr>
  </table>
</td>
<td valign="top" class="CenterCell">
  <table width="100%" cellpadding="4" class="NewsTable">
  <tr><td class="NewsTitr"><span id="ctl00_ContentPlaceHolder1_lblTitr" class="Titr">برگزاري نخستين جشنواره دهياري‌هاي برتر کشور</span></td></tr>
  <tr><td class="NewsDateRow">تاريخ انتشار: <span id="ctl00_ContentPlaceHolder1_lblNewsDate">1389/05/12 ساعت 10:30</span></td></tr>
  <tr><td class="NewsText"><span id="ctl00_ContentPlaceHolder1_lblNewsText">
به گزارش روابط عمومي سازمان شهرداري‌ها و دهياري‌هاي کشور، نخستين جشنواره دهياري‌هاي برتر کشور روز پنجشنبه 21 مرداد 1389 با حضور وزير کشور در تهران برگزار مي‌شود.<br><br>
در اين جشنواره از 62 دهياري برتر که بر اساس شاخص‌هاي عمران روستايي، خدمات عمومي، درآمد پايدار و مشارکت مردمي انتخاب شده‌اند تقدير خواهد شد و دستاوردهاي دهياري‌ها در نمايشگاهي جانبي به نمايش درمي‌آيد.<br><br>
معاون امور دهياري‌هاي سازمان با اعلام اين خبر گفت: ارزيابي دهياري‌هاي سراسر کشور از ابتداي سال جاري آغاز شد و استانداري‌ها فهرست دهياري‌هاي منتخب هر استان را به سازمان ارسال کرده‌اند.
  </span></td></tr>
  </table>
</td>
<td width="180" valign="top" class="LeftCell">
  <table width="100%"><tr><td class="BoxHeader">پيوندها</td></tr>
  <tr><td><a href="http://www.moi.ir/">وزارت کشور</a></td></tr>
  <tr><td><a href="/RContent/1AA-نشريه-دهياري-ها.aspx">ماهنامه دهياري‌ها</a></td></tr></table>
</td>
</tr>
<tr><td colspan="3" class="FooterCell">کليه حقوق براي سازمان شهرداري‌ها و دهياري‌هاي کشور محفوظ است.</td></tr>
</table>
</form>
</body>
</html>
