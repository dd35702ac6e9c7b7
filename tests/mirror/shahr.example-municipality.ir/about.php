<!DOCTYPE html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>درباره ما</title>
</head>
<body class="">
<header><div class="today">امروز: جمعه ۱۳ آذر ۱۴۰۵</div><nav><ul><li><a href="/">صفحه اصلی</a></li><li><a href="/">اخبار شهری</a></li><li><a href="/about.php">درباره ما</a></li><li><a href="/gallery.php">گالری تصاویر</a></li><li><a href="/contact.php">تماس با ما</a></li></ul></nav></header>
<main id="content">
<h1>درباره ما</h1><p>روابط عمومی شهرداری وظیفه اطلاع‌رسانی درباره فعالیت‌ها و خدمات شهرداری به شهروندان را بر عهده دارد.</p><p>نشانی: خیابان امام، ساختمان مرکزی شهرداری، طبقه دوم.</p>
</main>

<footer><p>تمامی حقوق برای روابط عمومی شهرداری محفوظ است.</p></footer>
</body></html>
