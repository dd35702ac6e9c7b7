<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" dir="rtl" lang="fa">
<head id="ctl00_Head1"><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>نتایج نشست‌های تخصصی کارگروه‌ها - سازمان شهرداری‌ها و دهیاری‌های کشور</title>
<meta name="description" content="مدیرکل برنامه ریزی و توسعه مدیریت روستایی سازمان شهرداری ها و دهیاری های کشور گفت: نتایج نشست های تخصصی کارگروه‌های دهیاری ها در سی‌امین نشست ملی مدیران کل دفاتر امور روستایی و شوراهای استاندارهای کشور ارائه شد." />
<meta name="keywords" content="شهرداری,دهیاری,سازمان شهرداری‌ها,مدیریت شهری,مدیریت روستایی" />
<meta property="og:site_name" content="سازمان شهرداری‌ها و دهیاری‌های کشور" />
<meta property="og:type" content="article" />
<meta property="og:title" content="نتایج نشست‌های تخصصی کارگروه‌ها - سازمان شهرداری‌ها و دهیاری‌های کشور" />
<meta property="og:description" content="مدیرکل برنامه ریزی و توسعه مدیریت روستایی سازمان شهرداری ها و دهیاری های کشور گفت: نتایج نشست های تخصصی کارگروه‌های دهیاری ها در سی‌امین نشست ملی مدیران کل دفاتر امور روستایی و شوراهای استاندارهای کشور ارائه شد." />
<meta property="og:url" content="https://imo.org.ir/RContent/NKXL-نتایج-نشستهای-تخصصی-کارگروهها.aspx" />
<link rel="canonical" href="https://imo.org.ir/RContent/NKXL-نتایج-نشستهای-تخصصی-کارگروهها.aspx" />
<link href="/App_Themes/Imo/StyleSheet.css" type="text/css" rel="stylesheet" />
<script src="/ScriptResource.axd?d=nv7asgRUU0tRmHNR2D6t1HtePKfSWh5mJfd3xHJb0bQ1&amp;t=ffffffffecf19baa" type="text/javascript"></script>
</head>
<body>
<form name="aspnetForm" method="post" action="./NKXL-نتایج-نشستهای-تخصصی-کارگروهها.aspx" id="aspnetForm">
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
<div class="Breadcrumb"><a href="/">صفحه اصلی</a> » <a href="/NewsArchive.aspx">اخبار</a> » <a href="/NewsArchive.aspx?Cat=12">امور دهیاری‌ها</a></div>
<div id="ctl00_cphMain_ucNewsView_pnlNews" class="NewsView">
  
  <h1 class="NewsTitle"><span id="ctl00_cphMain_ucNewsView_lblTitle">نتایج نشست‌های تخصصی کارگروه‌ها</span></h1>
  <div class="NewsInfo">تاریخ انتشار: <span id="ctl00_cphMain_ucNewsView_lblNewsDate" class="NewsDate"></span>
    | <span class="Visit">تعداد بازدید: <span id="ctl00_cphMain_ucNewsView_lblVisit">۳۲۷</span></span></div>
  <div class="Lead"><span id="ctl00_cphMain_ucNewsView_lblLead">مدیرکل برنامه ریزی و توسعه مدیریت روستایی سازمان شهرداری ها و دهیاری های کشور گفت: نتایج نشست های تخصصی کارگروه‌های دهیاری ها در سی‌امین نشست ملی مدیران کل دفاتر امور روستایی و شوراهای استاندارهای کشور ارائه شد.</span></div>
  
  <div id="ctl00_cphMain_ucNewsView_divBody" class="NewsBody">
<p>به گزارش روابط عمومی سازمان شهرداری ها و دهیاری های کشور، اسماعیل زیارتی نصرآبادی با بیان مطلب فوق اظهار داشت: به منظور بهره‌گیری از خردجمعی در برنامه‌ریزی و راهبری امور دهیاری‌ها، سلسله نشست های کارگروه های تخصصی حوزه معاونت دهیاری ها در زمان‌های مقرر برگزار و نتایج آن نشست ها که تیرماه سال جاری در شهر تبریز برگزار شد، مورد بررسی قرار گرفت.</p>
<p>مدیرکل برنامه‌ریزی و توسعه مدیریت روستایی سازمان شهرداری‌ها و دهیاری‌های کشور در توضیح نشست های مذکور افزود: در همین راستا، بیست و سومین جلسه کارگروه توسعه مدیریت و سرمایه انسانی در تاریخ ۳۰ خرداد ماه۱۳۹۷ به میزبانی استانداری تهران در شهر میگون، بیست و دومین جلسه کارگروه اقتصاد مقاومتی و امور مالی در تاریخ ۲۸ خرداد ماه ۱۳۹۷در محل سازمان شهرداری‌ها و دهیاری‌های کشور، بیست و دومین جلسه کارگروه فنی و عمرانی در تاریخ ۲۹و۳۰ خردادماه ۱۳۹۷به میزبانی استانداری کرمانشاه در شهر کرمانشاه و بیست و دومین جلسه کارگروه محیط زیست و خدمات عمومی دهیاری‌ها در تاریخ ۲۸ خرداد ماه ۱۳۹۷در محل سازمان شهرداری‌ها و دهیاری‌های کشور با حضور مدیران کل دفاتر امور روستایی و شوراهای عضو هر کارگروه تشکیل گردید.</p>
<p>زیارتی نصرآبادی افزود: تصویب شیوه نامه تدوین برنامه پنج‌ساله دهیاری‌ها، تاکید بر اجرایی شدن شیوه نامه تشکیل هیات‌های اندیشه‌ورز در سطح روستاهای کشور، بررسی و نهایی نمودن شیوه‌نامه‌های "بازدید و ارزیابی عملکرد دهیاری‌ها" و "ساماندهی مسئولین امور مالی دهیاری‌ها"، بررسی اهم مسائل و چالش‌های موجود در نحوه تعامل تعاونی دهیاری‌های کشور و ارائه راهکارهای اجرایی مناسب برای ایجاد وحدت رویه در استان‌ها، بررسی راهنمای آموزشی زیرسازی، آسفالت و بهسازی معابر روستایی (ویژه دهیاران)، بررسی و نهایی نمودن تفاهم‌نامه همکاری با سازمان داوطلبان جمعیت هلال احمر، بررسی ایجاد مراکز امداد و نجات در سطح دهستان ها و پیشنهاد تلفیق آن با تفاهم‌نامه جمعیت هلال احمر و در صورت لزوم تفاهم نامه سه جانبه با سازمان مدیریت بحران، بررسی مشکلات موجود در برنامه‌ریزی پایگاه‌های آتش‌نشانی از اهم مصوبات کارگروه های تخصصی مذکور است.</p>
<p>وی گفت: با توجه به مصوبه کارگروه‌های مذکور، مدیران کل دفاتر امور روستایی استان‌های خوزستان، کرمانشاه، قزوین و آذربایجان‌شرقی به ترتیب به‌عنوان روسای کارگروه‌های توسعه مدیریت و سرمایه انسانی، فنی و عمرانی، محیط زیست و خدمات عمومی، و اقتصاد مقاومتی و امور مالی، توسط اعضا کارگروه‌ها انتخاب و احکام آنها توسط معاون امور دهیاری‌های سازمان شهرداری ها و دهیاری های کشور ابلاغ شد.</p>
<p>زیارتی همچنین افزود: تمامی احکام اعضاء کارگروه‌های مذکور نیز تهیه و به مدیران کل ابلاغ شد.</p>
<p><a href="/RContent/NKXL.aspx" target="_blank">لینک اصل خبر در سایت سازمان شهرداریها و دهیاریها</a></p>
  </div>
  
  
  <div class="Share"><span>اشتراک‌گذاری:</span> <a href="https://t.me/share/url?url=https://imo.org.ir/RContent/NKXL-نتایج-نشستهای-تخصصی-کارگروهها.aspx">تلگرام</a> <a href="https://www.facebook.com/sharer.php?u=https://imo.org.ir/RContent/NKXL-نتایج-نشستهای-تخصصی-کارگروهها.aspx">فیسبوک</a></div>
  <div class="Tools"><a href="javascript:window.print()">نسخه چاپی</a> | <a href="/SendToFriend.aspx?key=NKXL">ارسال به دوستان</a></div>
</div>
<div class="RelatedNews"><div class="BoxTitle">اخبار مرتبط</div><ul>
  <li><a href="/RContent/NW3D-نشست-مدیران-کل-امور-روستایی.aspx">نشست مدیران کل دفاتر امور روستایی استانداری‌ها</a> <span class="date">۱۳۹۷/۰۴/۱۸</span></li>
  <li><a href="/RContent/NV8A-ارزیابی-عملکرد-دهیاری-ها.aspx">شیوه‌نامه ارزیابی عملکرد دهیاری‌ها ابلاغ شد</a> <span class="date">۱۳۹۷/۰۲/۰۹</span></li>
</ul></div>
<div class="Comments" id="ctl00_cphMain_ucComments_pnlComments"><h3>نظرات</h3>
    <div class="Comment"><div class="CommentInfo"><span class="Name">مهدی از قزوین</span> <span class="date">۱۳۹۷/۰۵/۰۲ - ۱۰:۱۲</span></div><p>لطفا شیوه‌نامه‌های مصوب را در سایت قرار دهید.</p></div>
    <div class="Comment"><div class="CommentInfo"><span class="Name">دهیار روستای کهک</span> <span class="date">۱۳۹۷/۰۵/۰۳ - ۰۸:۴۰</span></div><p>ممنون از اطلاع‌رسانی.</p></div>
  <div class="CommentForm"><span>نام:</span><input name="ctl00$cphMain$ucComments$txtName" type="text" id="ctl00_cphMain_ucComments_txtName" />
  <span>نظر شما:</span><textarea name="ctl00$cphMain$ucComments$txtBody" rows="4" cols="40" id="ctl00_cphMain_ucComments_txtBody"></textarea>
  <input type="submit" name="ctl00$cphMain$ucComments$btnSend" value="ارسال نظر" id="ctl00_cphMain_ucComments_btnSend" /></div>
</div>
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
