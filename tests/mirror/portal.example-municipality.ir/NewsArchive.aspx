<!DOCTYPE html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>اخبار شهری</title>
</head>
<body class="">
<header><div class="today">امروز: جمعه ۱۳ آذر ۱۴۰۵</div><nav><ul><li><a href="/">صفحه اصلی</a></li><li><a href="/NewsArchive.aspx">اخبار شهری</a></li><li><a href="/Page.aspx?Name=About">درباره ما</a></li><li><a href="/Gallery.aspx">گالری تصاویر</a></li><li><a href="/Contact.aspx">تماس با ما</a></li></ul></nav></header>
<main id="content">
<h1>اخبار شهری</h1><ul class='list'><li><h3><a href="/ShowNews.aspx?ID=1530">آغاز عملیات آسفالت معابر محله شهرک ولیعصر</a></h3><span class="date">۸ آذر ۱۴۰۵</span><p>معاون عمرانی شهرداری از آغاز عملیات آسفالت معابر فرعی محله شهرک ولیعصر خبر داد.</p><a href="/ShowNews.aspx?ID=1530">ادامه مطلب</a></li><li><h3><a href="/ShowNews.aspx?ID=1531">بهره‌برداری از بوستان بانوان در منطقه دو</a></h3><span class="date">۹ آذر ۱۴۰۵</span><p>بوستان بانوان منطقه دو با حضور شهردار و اعضای شورای شهر افتتاح شد.</p><a href="/ShowNews.aspx?ID=1531">ادامه مطلب</a></li><li><h3><a href="/ShowNews.aspx?ID=1532">برگزاری جلسه شورای اسلامی شهر درباره بودجه سال آینده</a></h3><span class="date">۱۰ آذر ۱۴۰۵</span><p>نشست فوق‌العاده شورای اسلامی شهر برای بررسی لایحه بودجه سال آینده برگزار شد.</p><a href="/ShowNews.aspx?ID=1532">ادامه مطلب</a></li><li><h3><a href="/ShowNews.aspx?ID=1533">کاشت دو هزار نهال در کمربند سبز شهر</a></h3><span class="date">۱۱ آذر ۱۴۰۵</span><p>سازمان پارک‌ها و فضای سبز شهرداری طرح کاشت دو هزار نهال را در کمربند سبز اجرا کرد.</p><a href="/ShowNews.aspx?ID=1533">ادامه مطلب</a></li></ul><div class="Pager"><a class="Next" href="/NewsArchive.aspx?Page=2">صفحه بعد</a></div>
</main>
<aside class="sidebar"><h3>آخرین اخبار</h3><ul><li><a href="/ShowNews.aspx?ID=1530">آغاز عملیات آسفالت معابر محله شهرک ولیعصر</a> <span class="date">۸ آذر ۱۴۰۵</span></li><li><a href="/ShowNews.aspx?ID=1531">بهره‌برداری از بوستان بانوان در منطقه دو</a> <span class="date">۹ آذر ۱۴۰۵</span></li><li><a href="/Page.aspx?Name=About">همایش پیاده‌روی خانوادگی برگزار شد</a> <span class="date">۲ آذر ۱۴۰۵</span></li></ul></aside>
<footer><p>تمامی حقوق برای روابط عمومی شهرداری محفوظ است.</p></footer>
</body></html>
