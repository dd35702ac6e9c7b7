<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" dir="rtl" lang="fa">
<head id="ctl00_Head1"><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>آرشیو اخبار - سازمان شهرداری‌ها و دهیاری‌های کشور</title>
<meta property="og:type" content="website" />
<link href="/App_Themes/Imo/StyleSheet.css" type="text/css" rel="stylesheet" />
<script src="/ScriptResource.axd?d=nv7asgRUU0tRmHNR2D6t1HtePKfSWh5mJfd3xHJb0bQ1&amp;t=ffffffffecf19baa" type="text/javascript"></script>
</head>
<body>
<form name="aspnetForm" method="post" action="./NewsArchive.aspx" id="aspnetForm">
<div>
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTk3NjQ1NjE4Mw9kFgJmD2QWAgIDD2QWBgIBD2QWAmYPFgIeBFRleHQFJ9iv2YjYtNmG2KjZhyDbsiDYotiw2LEg27HbtNuw27VkZAIDD2QWAgIBDxYCHwBlZGQYAQUeX19Db250cm9sc1JlcXVpcmVQb3N0QmFja0tleV9fFgEFEmN0bDAwJGlidG5TZWFyY2i7Fq0=" />
</div>
<script type="text/javascript">
//<![CDATA[
var theForm = document.forms['aspnetForm'];
function __doPostBack(eventTarget, eventArgument) {
    if (!theForm.onsubmit || (theForm.onsubmit() != false)) {
        theForm.__EVENTTARGET.value = eventTarget; theForm.__EVENTARGUMENT.value = eventArgument; theForm.submit();
    }
}
//]]>
</script>
<div id="Wrapper">
<div id="Header">
  <div class="TopBar"><span id="ctl00_ucToday_lblShamsi" class="Today">دوشنبه ۲ آذر ۱۴۰۵</span> | <span id="ctl00_ucToday_lblGhamari" class="Hijri">۱۲ جمادی‌الثانی ۱۴۴۸</span> | <span id="ctl00_ucToday_lblMiladi" class="Miladi">Monday 23 November 2026</span>
    <div class="SearchBox"><input name="ctl00$txtSearch" type="text" id="ctl00_txtSearch" /><input type="image" name="ctl00$ibtnSearch" id="ctl00_ibtnSearch" src="/App_Themes/Imo/Images/search.png" /></div></div>
  <div class="Logo"><a href="/"><img src="/App_Themes/Imo/Images/logo.png" alt="سازمان شهرداری‌ها و دهیاری‌های کشور" /></a></div>
</div>
<div id="Menu"><ul class="TopMenu">
  <li><a href="/">صفحه اصلی</a></li>
  <li><a href="/RContent/2B-درباره-سازمان.aspx">درباره سازمان</a></li>
  <li><a href="/NewsArchive.aspx">اخبار</a><ul><li><a href="/NewsArchive.aspx?Cat=11">امور شهری</a></li><li><a href="/NewsArchive.aspx?Cat=12">امور دهیاری‌ها</a></li></ul></li>
  <li><a href="/RContent/3F-قوانین-و-مقررات.aspx">قوانین و مقررات</a></li>
  <li><a href="/Search.aspx">جستجو</a></li>
  <li><a href="/RContent/5K-تماس-با-ما.aspx">تماس با ما</a></li>
</ul></div>
<div id="Content">
<div class="SideColumn" id="ctl00_cphRight_pnlSide">
  <div class="Box LastNews"><div class="BoxTitle">آخرین اخبار</div><ul>
    <li><a href="/RContent/QY1T-جلسه-کمیسیون-ماده-پنج.aspx">برگزاری جلسه کمیسیون ماده پنج استان البرز</a> <span id="ctl00_cphRight_ucLastNews_rptNews_ctl00_lblDate" class="date">۱۴۰۵/۰۹/۰۱</span></li>
    <li><a href="/RContent/QY0Z-آموزش-دهیاران-تازه-کار.aspx">آغاز دوره آموزش دهیاران تازه‌کار</a> <span id="ctl00_cphRight_ucLastNews_rptNews_ctl01_lblDate" class="date">۱۴۰۵/۰۸/۳۰</span></li>
    <li><a href="/RContent/QXZ8-بودجه-شهرداری-ها.aspx">ابلاغ دستورالعمل تنظیم بودجه شهرداری‌ها</a> <span id="ctl00_cphRight_ucLastNews_rptNews_ctl02_lblDate" class="date">۱۴۰۵/۰۸/۲۸</span></li>
  </ul></div>
  <div class="Box MostVisited"><div class="BoxTitle">پربازدیدترین‌ها</div><ul>
    <li><a href="/RContent/PL4W-آیین-نامه-مالی-دهیاری-ها.aspx">متن کامل آیین‌نامه مالی دهیاری‌ها</a> <span class="date">1398/11/05</span></li>
    <li><a href="/RContent/NZ2C-شرح-وظایف-دهیاران.aspx">شرح وظایف دهیاران</a> <span class="date">۲۲ بهمن ۱۳۹۷</span></li>
  </ul></div>
  <div class="Box Poll"><div class="BoxTitle">نظرسنجی</div><p>کیفیت خدمات شهرداری محل زندگی خود را چگونه ارزیابی می‌کنید؟</p>
    <input id="ctl00_cphRight_ucPoll_rbl_0" type="radio" name="ctl00$cphRight$ucPoll$rbl" value="1" /><label for="ctl00_cphRight_ucPoll_rbl_0">خوب</label>
    <input id="ctl00_cphRight_ucPoll_rbl_1" type="radio" name="ctl00$cphRight$ucPoll$rbl" value="2" /><label for="ctl00_cphRight_ucPoll_rbl_1">متوسط</label>
    <input type="submit" name="ctl00$cphRight$ucPoll$btnVote" value="ثبت رای" id="ctl00_cphRight_ucPoll_btnVote" /></div>
  <div class="Box Links"><div class="BoxTitle">پیوندها</div><ul>
    <li><a href="https://www.moi.ir/">وزارت کشور</a></li><li><a href="https://amar.imo.org.ir/">سامانه آمار دهیاری‌ها</a></li></ul></div>
</div>
<div class="MainColumn" id="ctl00_cphMain_pnlMain">
<div class="Breadcrumb"><a href="/">صفحه اصلی</a> » <a href="/NewsArchive.aspx">اخبار</a></div>
<h2 class="PageTitle">آرشیو اخبار</h2>
<div class="NewsList" id="ctl00_cphMain_ucNewsArchive_pnlList">
  <div class="NewsItem">
    <a href="/RContent/QX7M-جلسه-شورای-عالی-استانها.aspx"><img src="/App_Themes/Imo/Images/NoImage.gif" alt="" width="100" /></a>
    <a class="NewsItemTitle" href="/RContent/QX7M-جلسه-شورای-عالی-استانها.aspx">جلسه شورای عالی استان‌ها فردا برگزار می‌شود</a> <span class="date">۱۴۰۲/۰۷/۲۲</span>
    <p>…</p>
  </div>
  <div class="NewsItem">
    <a href="/RContent/13D1RAC-تخصیص-اعتبار-نوسازی-ناوگان-حمل-و-نقل-عمومی.aspx"><img src="/Images/News/1399/10/navgan-otobus.jpg" alt="" width="100" /></a>
    <a class="NewsItemTitle" href="/RContent/13D1RAC-تخصیص-اعتبار-نوسازی-ناوگان-حمل-و-نقل-عمومی.aspx">تخصيص 1200 ميليارد ريال براي نوسازي ناوگان حمل و نقل عمومي كلانشهرها</a> <span class="date">1399/10/15</span>
    <p>معاون امور عمران و توسعه شهري سازمان شهرداري‌ها و دهياري‌هاي كشور از تخصيص 1200 ميليارد ري…</p>
  </div>
  <div class="NewsItem">
    <a href="/RContent/P2TZ9-گزارش-تصویری-همایش-ملی-دهیاران-برتر.aspx"><img src="/Images/News/1398/03/hamayesh-dehyaran.jpg" alt="" width="100" /></a>
    <a class="NewsItemTitle" href="/RContent/P2TZ9-گزارش-تصویری-همایش-ملی-دهیاران-برتر.aspx">گزارش تصویری همایش ملی دهیاران برتر کشور</a> <span class="date">۱۳۹۸/۰۳/۰۴</span>
    <p>همایش ملی تجلیل از دهیاران برتر کشور با حضور رئیس سازمان شهرداری‌ها و دهیاری‌های کشور و مد…</p>
  </div>
</div>
<div class="Pager"><span class="Current">۱</span> <a href="/NewsArchive.aspx?Page=2">۲</a> <a class="Next" href="/NewsArchive.aspx?Page=2">صفحه بعد »</a></div>
</div>
</div>
<div id="Footer">
  <ul class="FooterMenu"><li><a href="/RContent/2B-درباره-سازمان.aspx">درباره ما</a></li><li><a href="/RContent/5K-تماس-با-ما.aspx">تماس با ما</a></li><li><a href="/RSS.aspx">خبرخوان</a></li></ul>
  <p>کلیه حقوق این پایگاه متعلق به سازمان شهرداری‌ها و دهیاری‌های کشور می‌باشد. © ۱۴۰۵</p>
  <p class="Address">تهران، خیابان فاطمی غربی، پلاک ۲۴ — تلفن: ۶۶۹۰۱۲۳۴-۰۲۱</p>
  <p class="Visitors">بازدید امروز: ۱۸۳۲ | بازدید کل: ۱۲۴۵۶۷۸۹</p>
</div>
</div>
<div><input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="/wEWBAKe8tTCCgKM54rGBgLIlfLPBwK9xqqbBQ4bZb3yW2yS0a0Q" /></div>
</form>
</body>
</html>
